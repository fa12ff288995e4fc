package io.agentfleet.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Stands in for the kubelet the mock API server lacks: every worker pod becomes Running and Ready
 * as soon as it appears, unless it carries {@link #STAY_PENDING}. Its writes go to the pods' status
 * subresource only.
 */
final class TestingKubelet implements AutoCloseable {

  static final String STAY_PENDING = "test.agentfleet.io/stay-pending";

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;

  TestingKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    readyUp(pod);
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod pod) {
                    readyUp(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
  }

  private void readyUp(Pod pod) {
    boolean pending =
        pod.getMetadata().getAnnotations() != null
            && pod.getMetadata().getAnnotations().containsKey(STAY_PENDING);
    boolean alreadyRunning =
        pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    if (pending || alreadyRunning) {
      return;
    }
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .build());
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      // the pod was deleted meanwhile
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
