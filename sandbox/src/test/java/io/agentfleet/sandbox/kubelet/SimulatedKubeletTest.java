package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.sandbox.api.PodLogs;
import io.agentfleet.sandbox.api.SandboxApi;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated kubelet against the sandbox API, with shell and Python one-liners as images:
 * status, probes, env from Secrets, crash-loop restarts, and graceful deletion through its
 * finalizer.
 */
class SimulatedKubeletTest {

  @TempDir Path dir;
  SandboxApi api;
  KubernetesClient client;
  SimulatedKubelet kubelet;

  @BeforeEach
  void start() {
    api = SandboxApi.start(0, List.of(), PodLogs.NONE);
    client = api.client();
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
    kubelet =
        new SimulatedKubelet(
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
    Set<Long> pids = kubelet.startedPids();
    kubelet.close();
    api.close();
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
    return client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
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
  void aPodRunsAsAProcessWithItsOwnStatusAddress() {
    create("sleeper", "test/sleeper:1", 5L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("sleeper")));
    Pod pod = get("sleeper");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("sandbox");
    assertThat(pod.getMetadata().getFinalizers()).contains(SimulatedKubelet.FINALIZER);
    int port = kubelet.pod("default", "sleeper").orElseThrow().port();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(SimulatedKubelet.STATUS_ADDRESS, "127.0.0.1:" + port);
    assertThat(kubelet.pod("default", "sleeper").orElseThrow().pid()).isPresent();
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
    Path log = kubelet.logFile("default", "env");
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
  void deletionWaitsForTheProcessThenReleasesThePod() throws Exception {
    create("sleeper", "test/sleeper", 30L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("sleeper")));
    long pid = kubelet.pod("default", "sleeper").orElseThrow().pid().orElseThrow();

    client.pods().withName("sleeper").delete();

    await().atMost(Duration.ofSeconds(20)).until(() -> get("sleeper") == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(Files.readString(kubelet.logFile("default", "sleeper"))).contains("got TERM");
  }

  @Test
  void aPodThatIgnoresSigtermStaysTerminatingUntilTheGracePeriodEndsThenIsKilled() {
    create("stubborn", "test/stubborn", 2L);
    await().atMost(Duration.ofSeconds(20)).until(() -> ready(get("stubborn")));
    long pid = kubelet.pod("default", "stubborn").orElseThrow().pid().orElseThrow();

    client.pods().withName("stubborn").delete();

    // The store keeps the pod, marked, while the kubelet's finalizer is on it.
    Pod terminating = get("stubborn");
    assertThat(terminating).isNotNull();
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("stubborn") == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }
}
