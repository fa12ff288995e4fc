package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
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

  /** The scale subresource's selector, as {@code kubectl} and HPA read it. */
  public static String selector(String deployment) {
    return DEPLOYMENT + "=" + deployment;
  }
}
