package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpServer;
import io.agentfleet.controlplane.ControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node drain's evictions against the operator's PodDisruptionBudget, on a real API server with
 * Kubernetes' own disruption controller: of two workers, the one reporting a call cannot be evicted
 * (429), the idle one can. The workers' status endpoints are two small HTTP servers on the pods'
 * addresses (127.0.0.2 busy, 127.0.0.3 idle) in the livekit-agents format.
 */
class DisruptionBudgetTest {

  @Test
  void aNodeDrainEvictsTheIdleWorkerAndNotTheBusyOne() throws Exception {
    Path workdir =
        Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
            .resolve(DisruptionBudgetTest.class.getSimpleName())
            .toAbsolutePath();
    List<String> controllers = new ArrayList<>(ControlPlane.DEFAULT_CONTROLLERS);
    controllers.add("disruption-controller");
    List<HttpServer> servers = new ArrayList<>();
    try (ControlPlane plane =
        ControlPlane.start(ControlPlane.Options.in(workdir).withControllers(controllers))) {
      new Helm(Chart.dir())
          .install()
          .withName("agentfleet")
          .withNamespace("agentfleet")
          .createNamespace()
          .withKubeConfig(plane.adminKubeconfig())
          .call();
      String apps = "drain-apps";
      plane
          .admin()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(apps).endMetadata().build())
          .create();
      HelmInstallTest.secrets(plane.admin(), apps);
      servers.add(status("127.0.0.2", 1));
      servers.add(status("127.0.0.3", 0));
      List<Map<String, Object>> rendered =
          Chart.objects(Chart.template("agentfleet", "agentfleet", Map.of()));
      try (RenderedOperator operator =
          RenderedOperator.start(plane, rendered, "agentfleet", workdir)) {
        HelmInstallTest.sample(plane.admin(), apps, "voice-agent", 2, null);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> HelmInstallTest.workerPods(plane.admin(), apps).size() == 2);
        List<Pod> pods = HelmInstallTest.workerPods(plane.admin(), apps);
        String busy = pods.get(0).getMetadata().getName();
        String idle = pods.get(1).getMetadata().getName();
        running(plane, apps, pods.get(0), "127.0.0.2");
        running(plane, apps, pods.get(1), "127.0.0.3");

        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(label(plane, apps, busy))
                      .as("see " + operator.log())
                      .isEqualTo("true");
                  assertThat(label(plane, apps, idle)).isEqualTo("false");
                  var budget =
                      plane
                          .admin()
                          .policy()
                          .v1()
                          .podDisruptionBudget()
                          .inNamespace(apps)
                          .withName("voice-agent-busy")
                          .get();
                  assertThat(budget.getStatus()).isNotNull();
                  assertThat(budget.getStatus().getObservedGeneration())
                      .isEqualTo(budget.getMetadata().getGeneration());
                  assertThat(budget.getStatus().getDisruptionsAllowed())
                      .as(budget.getStatus().toString())
                      .isZero();
                });

        assertThatThrownBy(() -> evict(plane, apps, busy))
            .isInstanceOf(KubernetesClientException.class)
            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(429));
        evict(plane, apps, idle);
        // Evicted: deleted (at once here, where no kubelet runs it) or terminating.
        Pod evicted = plane.admin().pods().inNamespace(apps).withName(idle).get();
        assertThat(evicted == null || evicted.getMetadata().getDeletionTimestamp() != null)
            .as("the idle worker was evicted")
            .isTrue();
        assertThat(
                plane
                    .admin()
                    .pods()
                    .inNamespace(apps)
                    .withName(busy)
                    .get()
                    .getMetadata()
                    .getDeletionTimestamp())
            .isNull();
      }
    } finally {
      servers.forEach(s -> s.stop(0));
    }
  }

  static void evict(ControlPlane plane, String namespace, String pod) {
    Eviction eviction =
        new EvictionBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    if (!plane.admin().pods().inNamespace(namespace).withName(pod).evict(eviction)) {
      throw new KubernetesClientException("eviction refused", 429, null);
    }
  }

  static String label(ControlPlane plane, String namespace, String pod) {
    Map<String, String> labels =
        plane.admin().pods().inNamespace(namespace).withName(pod).get().getMetadata().getLabels();
    return labels == null ? null : labels.get("agentfleet.io/busy");
  }

  /** What a kubelet would report for a started, ready worker at that address. */
  static void running(ControlPlane plane, String namespace, Pod pod, String ip) {
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(ip)
            .withPodIPs(new PodIPBuilder().withIp(ip).build())
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .build());
    plane.admin().pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  /** A livekit-agents status endpoint on ip:8081 that reports this many calls. */
  static HttpServer status(String ip, int calls) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(ip, 8081), 0);
    byte[] body =
        ("{\"agent_name\":\"voice-agent\",\"worker_type\":\"JT_ROOM\",\"active_jobs\":"
                + calls
                + ",\"worker_load\":"
                + (calls * 0.2)
                + ",\"sdk_version\":\"1.2.0\",\"project_type\":\"python\"}")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/worker",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }
}
