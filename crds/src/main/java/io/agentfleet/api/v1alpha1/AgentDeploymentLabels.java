package io.agentfleet.api.v1alpha1;

import java.util.Map;

/**
 * The labels that tie a worker pod or a ControllerRevision to its AgentDeployment. The operator
 * sets them; {@code kubectl agents} and the sandbox select by them, so they are part of the API.
 */
public final class AgentDeploymentLabels {

  /** The AgentDeployment's name, on every worker pod and ControllerRevision it owns. */
  public static final String DEPLOYMENT = AgentDeployment.GROUP + "/deployment";

  /** The template hash of the revision a pod runs, or a ControllerRevision stores. */
  public static final String REVISION = AgentDeployment.GROUP + "/revision";

  /** Keys the operator owns; a user's pod template may not set them. */
  public static final String RESERVED_PREFIX = AgentDeployment.GROUP + "/";

  private AgentDeploymentLabels() {}

  public static Map<String, String> of(String deployment) {
    return Map.of(DEPLOYMENT, deployment);
  }

  public static Map<String, String> of(String deployment, String revisionHash) {
    return Map.of(DEPLOYMENT, deployment, REVISION, revisionHash);
  }

  /** The scale subresource's selector, as {@code kubectl} and HPA read it. */
  public static String selector(String deployment) {
    return DEPLOYMENT + "=" + deployment;
  }
}
