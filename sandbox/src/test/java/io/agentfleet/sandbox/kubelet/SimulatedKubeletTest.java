package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.sandbox.apiserver.TestControlPlane;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated kubelet against a real API server, with shell and Python one-liners as images: node
 * registration, binding, status and status address, probes, env from Secrets, crash-loop restarts,
 * and the API server's graceful deletion carried through to the end.
 */
@ExtendWith(TestControlPlane.class)
class SimulatedKubeletTest {

  @TempDir Path dir;
  ControlPlane plane;
  NamespacedKubernetesClient client;
  SimulatedKubelet kubelet;

  @BeforeEach
  void start(ControlPlane plane) {
    this.plane = plane;
    client = TestControlPlane.namespace(plane, "kubelet");
    kubelet = newKubelet();
  }

  private SimulatedKubelet newKubelet() {
    List<ImageRule> images =
        List.of(
            rule(
                "test/sleeper",
                "trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.1; done"),
            rule("test/stubborn", "trap 'echo ignoring TERM' TERM; while true; do sleep 0.1; done"),
            rule("test/crasher", "echo crashing; exit 3"),
            rule("test/env", "echo \"key=$API_KEY port=$STATUS_PORT\"; sleep 30"),
            new ImageRule(
                "test/http",
                List.of("python3", "-m", "http.server", "--bind", "127.0.0.1", "{port}"),
                List.of(),
                Map.of()));
    return new SimulatedKubelet(
            client,
            new KubeletConfig(
                "sandbox",
                dir,
                images,
                new RestartBackoff(Duration.ofMillis(300), Duration.ofSeconds(2)),
                Duration.ofSeconds(2)))
        .start();
  }

  @AfterEach
  void stop() {
    // Forced, so nothing of this test is left for the next test's kubelet to run.
    client.pods().withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.pods().list().getItems().isEmpty());
    Set<Long> pids = kubelet.startedPids();
    kubelet.close();
    assertThat(pids)
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(Optional.of(true)));
  }

  private static ImageRule rule(String image, String script) {
    return new ImageRule(image, List.of("sh", "-c", script), List.of(), Map.of());
  }

  private Pod create(String name, String image, Long grace) {
    return create(name, image, grace, null);
  }

  private Pod create(String name, String image, Long grace, String nodeName) {
    return client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(nodeName)
                .withTerminationGracePeriodSeconds(grace)
                .addNewContainer()
                .withName("main")
                .withImage(image)
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private Pod get(String name) {
    return client.pods().withName(name).get();
  }

  private static boolean ready(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  @Test
  void theNodeIsRegisteredReadyWithThisMachinesCapacity() {
    Node node = client.nodes().withName("sandbox").get();
    assertThat(node).isNotNull();
    assertThat(node.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(node.getStatus().getCapacity().get("cpu").getAmount())
        .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
    assertThat(node.getStatus().getCapacity()).containsKeys("memory", "pods");
    assertThat(node.getStatus().getAddresses())
        .anySatisfy(a -> assertThat(a.getAddress()).isEqualTo("127.0.0.1"));
  }

  @Test
  void aPodIsBoundAndRunsAsAProcessWithItsOwnStatusAddress() {
    create("sleeper", "test/sleeper:1", 5L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("sleeper")));
    Pod pod = get("sleeper");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("sandbox");
    assertThat(pod.getMetadata().getFinalizers()).isNullOrEmpty();
    int port = kubelet.pod(client.getNamespace(), "sleeper").orElseThrow().port();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(AgentDeploymentAnnotations.STATUS_ADDRESS, "127.0.0.1:" + port);
    assertThat(kubelet.pod(client.getNamespace(), "sleeper").orElseThrow().pid()).isPresent();
    // spec.nodeName cannot be changed by an update on a real API server: the binding set it.
    assertThat(auditedSubresources("sleeper")).contains("binding", "status");
  }

  @Test
  void aPodBoundToAnotherNodeIsLeftAlone() {
    create("elsewhere", "test/sleeper", 5L, "another-node");
    create("here", "test/sleeper", 5L);
    // Both were seen by the time the later pod runs.
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("here")));
    assertThat(kubelet.pod(client.getNamespace(), "elsewhere")).isEmpty();
    Pod elsewhere = get("elsewhere");
    assertThat(elsewhere.getSpec().getNodeName()).isEqualTo("another-node");
    assertThat(elsewhere.getStatus().getContainerStatuses()).isNullOrEmpty();
  }

  @Test
  void readinessFollowsTheHttpProbeOnTheMappedPort() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("python3", "--version").start().waitFor() == 0,
        "python3 serves the HTTP probe target here");
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("test/http")
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/")
                .withNewPort(8081)
                .endHttpGet()
                .withPeriodSeconds(1)
                .endReadinessProbe()
                .endContainer()
                .endSpec()
                .build())
        .create();
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("web")));
  }

  @Test
  void envComesFromSecretsAndTheRule() throws Exception {
    client
        .secrets()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("livekit")
                .endMetadata()
                .withStringData(Map.of("api-key", "devkey"))
                .build())
        .create();
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("env")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("test/env")
                .addNewEnv()
                .withName("API_KEY")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("livekit")
                .withKey("api-key")
                .endSecretKeyRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("STATUS_PORT")
                .withValue("8081")
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();
    Path log = kubelet.logFile(client.getNamespace(), "env");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(log) && Files.readString(log).contains("key=devkey port=8081"));
  }

  @Test
  void aMissingSecretKeepsTheContainerWaiting() {
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("nosecret")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("test/env")
                .addNewEnv()
                .withName("API_KEY")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("absent")
                .withKey("api-key")
                .endSecretKeyRef()
                .endValueFrom()
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Pod pod = get("nosecret");
              return pod.getStatus() != null
                  && pod.getStatus().getContainerStatuses() != null
                  && !pod.getStatus().getContainerStatuses().isEmpty()
                  && pod.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
                  && "CreateContainerConfigError"
                      .equals(
                          pod.getStatus()
                              .getContainerStatuses()
                              .get(0)
                              .getState()
                              .getWaiting()
                              .getReason());
            });
  }

  @Test
  void aCrashingContainerIsRestartedWithBackOffAndCounted() {
    create("crasher", "test/crasher", 1L);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Pod pod = get("crasher");
              if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                return false;
              }
              var container = pod.getStatus().getContainerStatuses().get(0);
              // Between two runs: waiting out the back-off.
              return container.getRestartCount() >= 2
                  && container.getState().getWaiting() != null
                  && "CrashLoopBackOff".equals(container.getState().getWaiting().getReason());
            });
    var status = get("crasher").getStatus().getContainerStatuses().get(0);
    assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(status.getReady()).isFalse();
  }

  @Test
  void deletionWaitsForTheProcessThenWritesTheFinalStatusAndDeletesThePod() throws Exception {
    create("sleeper", "test/sleeper", 30L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("sleeper")));
    long pid = kubelet.pod(client.getNamespace(), "sleeper").orElseThrow().pid().orElseThrow();
    List<Pod> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = client.pods().withName("sleeper").watch(recording(seen))) {
      client.pods().withName("sleeper").delete();

      await().atMost(Duration.ofSeconds(20)).until(() -> get("sleeper") == null);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(Files.readString(kubelet.logFile(client.getNamespace(), "sleeper")))
        .contains("got TERM");
    // The API server kept it, marked with the grace period; the kubelet's final status came last.
    assertThat(seen)
        .anySatisfy(
            p -> {
              assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull();
              assertThat(p.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
              assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
            });
  }

  @Test
  void aPodThatIgnoresSigtermStaysTerminatingUntilTheGracePeriodEndsThenIsKilled() {
    create("stubborn", "test/stubborn", 2L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("stubborn")));
    long pid = kubelet.pod(client.getNamespace(), "stubborn").orElseThrow().pid().orElseThrow();

    client.pods().withName("stubborn").delete();

    // The API server keeps a bound pod, marked, until its kubelet deletes it for good.
    Pod terminating = get("stubborn");
    assertThat(terminating).isNotNull();
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("stubborn") == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  @Test
  void aKubeletStartedLaterFinishesThePodsDeletedWhileNoneRan() {
    create("left", "test/sleeper", 30L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("left")));
    kubelet.close();

    client.pods().withName("left").delete();
    // No kubelet: the API server keeps it Terminating.
    assertThat(get("left").getMetadata().getDeletionTimestamp()).isNotNull();

    kubelet = newKubelet();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("left") == null);
  }

  @Test
  void podsSeenWhileTheKubeletStopsLeaveNoProcessBehind() {
    for (int i = 0; i < 4; i++) {
      create("late-" + i, "test/sleeper", 5L);
    }
    kubelet.close();
    // A pod being bound or launched as the kubelet stops must not start a process afterwards.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kubelet.startedPids().stream()
                    .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }

  private static Watcher<Pod> recording(List<Pod> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.MODIFIED) {
          seen.add(pod);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** The subresources written for this test's pod {@code name}, from the API server's audit log. */
  private List<String> auditedSubresources(String name) {
    try {
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      return Files.readAllLines(plane.auditLog()).stream()
          .map(
              line -> {
                try {
                  return json.readTree(line).path("objectRef");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .filter(ref -> ref.path("namespace").asText().equals(client.getNamespace()))
          .filter(ref -> ref.path("name").asText().equals(name))
          .map(ref -> ref.path("subresource").asText())
          .filter(sub -> !sub.isEmpty())
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
