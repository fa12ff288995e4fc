package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The controller reference that ties a worker pod or a ControllerRevision to its AgentDeployment;
 * the labels are the API's {@link io.agentfleet.api.v1alpha1.AgentDeploymentLabels}.
 */
public final class WorkerLabels {

  private WorkerLabels() {}

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
}
