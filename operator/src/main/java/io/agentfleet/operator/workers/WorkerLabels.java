package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** The labels that tie a worker pod or a ControllerRevision to its AgentDeployment. */
public final class WorkerLabels {

  // Forwarded from the API's AgentDeploymentLabels while callers still name them here.
  public static final String DEPLOYMENT = AgentDeploymentLabels.DEPLOYMENT;
  public static final String REVISION = AgentDeploymentLabels.REVISION;
  public static final String RESERVED_PREFIX = AgentDeploymentLabels.RESERVED_PREFIX;

  private WorkerLabels() {}

  public static Map<String, String> of(String deployment) {
    return AgentDeploymentLabels.of(deployment);
  }

  public static Map<String, String> of(String deployment, String revisionHash) {
    return AgentDeploymentLabels.of(deployment, revisionHash);
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
    return AgentDeploymentLabels.selector(deployment);
  }
}
