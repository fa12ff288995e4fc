package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** The labels that tie a worker pod or a ControllerRevision to its AgentDeployment. */
public final class WorkerLabels {

  public static final String DEPLOYMENT = AgentDeployment.GROUP + "/deployment";
  public static final String REVISION = AgentDeployment.GROUP + "/revision";
  public static final String RESERVED_PREFIX = AgentDeployment.GROUP + "/";

  private WorkerLabels() {}

  public static Map<String, String> of(String deployment) {
    return Map.of(DEPLOYMENT, deployment);
  }

  public static Map<String, String> of(String deployment, String revisionHash) {
    return Map.of(DEPLOYMENT, deployment, REVISION, revisionHash);
  }

  /**
   * The owner reference that makes the deployment the controller of a pod or revision: what the
   * garbage collector cascades on, and what keeps two controllers from fighting over one pod.
   */
  public static OwnerReference controllerReference(AgentDeployment deployment) {
    return new OwnerReferenceBuilder()
        .withApiVersion(deployment.getApiVersion())
        .withKind(deployment.getKind())
        .withName(deployment.getMetadata().getName())
        .withUid(deployment.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The scale subresource's selector, as {@code kubectl} and HPA read it. */
  public static String selector(String deployment) {
    return DEPLOYMENT + "=" + deployment;
  }
}
