package io.agentfleet.operator.apiserver;

import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.operator.ScriptedWorker;
import io.agentfleet.operator.workerstatus.StatusAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet of one node for the real API server, as far as worker pods need one: it binds every
 * unbound worker pod to its node through the Binding subresource (spec.nodeName cannot be set any
 * other way once a pod exists), gives it a {@link ScriptedWorker} status endpoint announced through
 * the status-address annotation, and reports it Running and Ready through the status subresource. A
 * pod being deleted gracefully keeps running until its worker has no calls left (the drain), then
 * goes with {@code gracePeriodSeconds=0}, as a kubelet finishes a pod whose process exited.
 *
 * <p>Images named {@code broken*} crash-loop (restarts, never ready) and {@code stuck*} stay
 * Pending, as a real kubelet would show them.
 */
final class RealKubelet implements AutoCloseable {

  static final String NODE = "agentfleet-it-node";

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;
  private final Map<String, ScriptedWorker> workers = new ConcurrentHashMap<>();
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "real-kubelet-sweep");
            t.setDaemon(true);
            return t;
          });
  private final Thread podThread = new Thread(this::work, "real-kubelet-pods");
  private volatile boolean closed;

  RealKubelet(KubernetesClient client) {
    this.client = client;
    if (client.nodes().withName(NODE).get() == null) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
          .create();
    }
    this.informer =
        client
            .pods()
            .inAnyNamespace()
            .withLabel(AgentDeploymentLabels.DEPLOYMENT)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    queue.offer(key(pod));
                  }

                  @Override
                  public void onUpdate(Pod before, Pod pod) {
                    queue.offer(key(pod));
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    ScriptedWorker w = workers.remove(key(pod));
                    if (w != null) {
                      w.close();
                    }
                    finished.remove(key(pod));
                  }
                });
    podThread.setDaemon(true);
    podThread.start();
    // A draining worker ends when the test takes its calls away; nothing in the API says so.
    loop.scheduleWithFixedDelay(this::recheckTerminating, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** The scripted worker of a running pod, or null. */
  ScriptedWorker worker(String namespace, String pod) {
    return workers.get(namespace + "/" + pod);
  }

  /** The scripted workers of one namespace, by pod name. */
  Map<String, ScriptedWorker> workers(String namespace) {
    Map<String, ScriptedWorker> mine = new java.util.TreeMap<>();
    workers.forEach(
        (k, w) -> {
          if (k.startsWith(namespace + "/")) {
            mine.put(k.substring(namespace.length() + 1), w);
          }
        });
    return mine;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private void recheckTerminating() {
    for (Pod pod : informer.getStore().list()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        queue.offer(key(pod));
      }
    }
  }

  private void work() {
    while (!closed) {
      String key;
      try {
        key = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        continue;
      }
      Pod pod = informer.getStore().getByKey(key);
      if (pod == null) {
        continue;
      }
      try {
        sync(pod);
      } catch (KubernetesClientException e) {
        // The pod changed or went meanwhile (or the API server is restarting): its next event, or
        // the next sweep, brings it back.
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        loop.schedule(() -> queue.offer(key), 500, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void sync(Pod pod) {
    String key = key(pod);
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      terminate(pod, key);
      return;
    }
    if (pod.getSpec().getNodeName() == null) {
      bind(namespace, name);
      return;
    }
    String image = pod.getSpec().getContainers().get(0).getImage();
    if (image.startsWith("stuck")) {
      return;
    }
    if (image.startsWith("broken")) {
      if (!hasStatus(pod, "Running")) {
        patchStatus(namespace, name, crashLooping(pod));
      }
      return;
    }
    ScriptedWorker worker = workers.computeIfAbsent(key, k -> new ScriptedWorker());
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (annotations == null
        || !worker.address().equals(annotations.get(StatusAddress.ANNOTATION))) {
      client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(
                  Map.of(
                      "metadata",
                      Map.of("annotations", Map.of(StatusAddress.ANNOTATION, worker.address())))));
      return;
    }
    if (!hasStatus(pod, "Running")) {
      patchStatus(namespace, name, running(pod));
    }
  }

  /** What the scheduler does: POST pods/{name}/binding. */
  private void bind(String namespace, String name) {
    String binding =
        Serialization.asJson(
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Binding",
                "metadata",
                Map.of("name", name, "namespace", namespace),
                "target",
                Map.of("apiVersion", "v1", "kind", "Node", "name", NODE)));
    client.raw(
        "%s/api/v1/namespaces/%s/pods/%s/binding"
            .formatted(client.getMasterUrl().toString().replaceAll("/$", ""), namespace, name),
        "POST",
        binding);
  }

  /** The worker drains: it exits once it has no calls; the kubelet then removes the pod. */
  private void terminate(Pod pod, String key) {
    ScriptedWorker worker = workers.get(key);
    if (worker != null && worker.calls() > 0 && !graceOver(pod)) {
      return;
    }
    if (!finished.add(key)) {
      return;
    }
    if (worker != null) {
      workers.remove(key);
      worker.close();
    }
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      finished.remove(key);
      throw e;
    }
  }

  private static boolean graceOver(Pod pod) {
    return Instant.parse(pod.getMetadata().getDeletionTimestamp()).isBefore(Instant.now());
  }

  private static boolean hasStatus(Pod pod, String phase) {
    return pod.getStatus() != null && phase.equals(pod.getStatus().getPhase());
  }

  private void patchStatus(String namespace, String name, Map<String, Object> status) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  private static Map<String, Object> running(Pod pod) {
    String now = Instant.now().toString();
    return Map.of(
        "phase",
        "Running",
        "hostIP",
        "127.0.0.1",
        "podIP",
        "127.0.0.1",
        "podIPs",
        List.of(Map.of("ip", "127.0.0.1")),
        "startTime",
        now,
        "conditions",
        List.of(
            condition("PodScheduled", "True", now),
            condition("Initialized", "True", now),
            condition("ContainersReady", "True", now),
            condition("Ready", "True", now)),
        "containerStatuses",
        List.of(
            Map.of(
                "name",
                pod.getSpec().getContainers().get(0).getName(),
                "image",
                pod.getSpec().getContainers().get(0).getImage(),
                "imageID",
                "",
                "ready",
                true,
                "started",
                true,
                "restartCount",
                0,
                "state",
                Map.of("running", Map.of("startedAt", now)))));
  }

  private static Map<String, Object> crashLooping(Pod pod) {
    String now = Instant.now().toString();
    return Map.of(
        "phase",
        "Running",
        "hostIP",
        "127.0.0.1",
        "podIP",
        "127.0.0.1",
        "startTime",
        now,
        "conditions",
        List.of(condition("PodScheduled", "True", now), condition("Ready", "False", now)),
        "containerStatuses",
        List.of(
            Map.of(
                "name",
                pod.getSpec().getContainers().get(0).getName(),
                "image",
                pod.getSpec().getContainers().get(0).getImage(),
                "imageID",
                "",
                "ready",
                false,
                "started",
                false,
                "restartCount",
                4,
                "state",
                Map.of(
                    "waiting", Map.of("reason", "CrashLoopBackOff", "message", "exit code 1")))));
  }

  private static Map<String, Object> condition(String type, String status, String now) {
    return Map.of("type", type, "status", status, "lastTransitionTime", now);
  }

  @Override
  public void close() {
    closed = true;
    informer.close();
    loop.shutdownNow();
    podThread.interrupt();
    workers.values().forEach(ScriptedWorker::close);
    workers.clear();
  }
}
