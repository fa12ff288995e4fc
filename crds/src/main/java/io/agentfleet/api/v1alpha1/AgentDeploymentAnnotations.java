package io.agentfleet.api.v1alpha1;

/**
 * Annotations through which people and tools talk to the operator, and which it writes. They are
 * part of the API: {@code kubectl agents} and plain {@code kubectl annotate} use them.
 */
public final class AgentDeploymentAnnotations {

  /**
   * On an AgentDeployment: set to any new value (e.g. a timestamp) to end the current canary pause
   * and go to the next step. The operator records the value it acted on in status.rollout.promoted.
   */
  public static final String PROMOTE = AgentDeployment.GROUP + "/promote";

  /**
   * On spec.template.metadata: changing it makes a new revision and rolls every worker, as {@code
   * kubectl rollout restart} does with kubectl.kubernetes.io/restartedAt.
   */
  public static final String RESTARTED_AT = AgentDeployment.GROUP + "/restartedAt";

  /**
   * On a ControllerRevision: this revision was rolled back automatically, with the reason. The
   * operator does not roll forward to it again until its template changes.
   */
  public static final String ROLLED_BACK = AgentDeployment.GROUP + "/rolled-back";

  /**
   * On the pod template the operator renders: a checksum of the credentials Secret and of every
   * Secret and ConfigMap the template's env refers to, so a rotation makes a new revision.
   */
  public static final String CONFIG_CHECKSUM = AgentDeployment.GROUP + "/config-checksum";

  /** On pods: "host:port" of the worker's status server, where it is not podIP:port. */
  public static final String STATUS_ADDRESS = AgentDeployment.GROUP + "/status-address";

  private AgentDeploymentAnnotations() {}
}
