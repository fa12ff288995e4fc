package io.agentfleet.operator;

import io.agentfleet.operator.workerstatus.StatusAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the kubelet the mock API server lacks: every worker pod becomes Running and Ready
 * as soon as it appears, unless it carries {@link #STAY_PENDING}. Its writes go to the pods' status
 * subresource only.
 */
final class TestingKubelet implements AutoCloseable {

  static final String STAY_PENDING = "test.agentfleet.io/stay-pending";
  static final int CRASH_RESTARTS = 4;

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;
  private final boolean runWorkers;
  private final Map<String, ScriptedWorker> workers = new ConcurrentHashMap<>();

  TestingKubelet(KubernetesClient client, String namespace) {
    this(client, namespace, false);
  }

  /**
   * @param runWorkers give every pod a {@link ScriptedWorker} status endpoint, announced through
   *     the status-address annotation as the sandbox's kubelet does
   */
  TestingKubelet(KubernetesClient client, String namespace, boolean runWorkers) {
    this.client = client;
    this.runWorkers = runWorkers;
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
                  public void onDelete(Pod pod, boolean unknown) {
                    ScriptedWorker w = workers.remove(pod.getMetadata().getName());
                    if (w != null) {
                      w.close();
                    }
                  }
                });
  }

  /** The scripted worker of a running pod. */
  ScriptedWorker worker(String podName) {
    return workers.get(podName);
  }

  Map<String, ScriptedWorker> workers() {
    return workers;
  }

  private void startWorker(Pod pod) {
    String name = pod.getMetadata().getName();
    if (workers.containsKey(name)) {
      return;
    }
    ScriptedWorker worker = new ScriptedWorker();
    workers.put(name, worker);
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(name)
          .edit(
              p -> {
                p.getMetadata().getAnnotations().put(StatusAddress.ANNOTATION, worker.address());
                return p;
              });
    } catch (KubernetesClientException e) {
      workers.remove(name).close();
    }
  }

  private void readyUp(Pod pod) {
    if (runWorkers && pod.getMetadata().getDeletionTimestamp() == null) {
      startWorker(pod);
    }
    boolean pending =
        pod.getMetadata().getAnnotations() != null
            && pod.getMetadata().getAnnotations().containsKey(STAY_PENDING);
    boolean alreadyRunning =
        pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    if (pending || alreadyRunning) {
      return;
    }
    String image = pod.getSpec().getContainers().get(0).getImage();
    if (image.startsWith("stuck")) {
      return;
    }
    if (image.startsWith("broken")) {
      // A worker that exits at start: the kubelet restarts it with back-off, never ready.
      pod.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withConditions(
                  new PodConditionBuilder().withType("Ready").withStatus("False").build())
              .addNewContainerStatus()
              .withName(pod.getSpec().getContainers().get(0).getName())
              .withRestartCount(CRASH_RESTARTS)
              .withReady(false)
              .withNewState()
              .withNewWaiting()
              .withReason("CrashLoopBackOff")
              .endWaiting()
              .endState()
              .endContainerStatus()
              .build());
    } else {
      pod.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withConditions(
                  new PodConditionBuilder().withType("Ready").withStatus("True").build())
              .build());
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      // the pod was deleted meanwhile
    }
  }

  @Override
  public void close() {
    informer.close();
    workers.values().forEach(ScriptedWorker::close);
    workers.clear();
  }
}
