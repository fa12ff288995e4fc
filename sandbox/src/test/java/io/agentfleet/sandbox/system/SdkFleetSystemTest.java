package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.sandbox.agents.AgentEnvironments;
import io.agentfleet.sandbox.agents.AgentSdk;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.WorkerImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unmodified Python ({@code livekit-agents}) and Node ({@code @livekit/agents}) workers, the
 * examples' agents, under the operator on the real livekit-server: calls in flight through a
 * scale-down and a rolling update. None is dropped, and the old revision's workers start draining
 * only after a new-revision worker registered with LiveKit (the server's log says when it
 * registered; the API server's audit log says when the operator deleted each pod).
 */
class SdkFleetSystemTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static Sandbox sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("sdk-fleets");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  void pythonWorkersCarryCallsThroughAScaleDownAndARollingUpdate() throws Exception {
    fleetThroughScaleDownAndRollout(AgentSdk.PYTHON, SampleAgent.Sdk.PYTHON, 3, 100, 400);
  }

  @Test
  void nodeWorkersCarryCallsThroughAScaleDownAndARollingUpdate() throws Exception {
    // Fewer calls, further apart: each Node job is a process of its own, which takes about 3 s to
    // start here and one at a time, and @livekit/agents 1.9.0 kills a job whose process is still
    // starting when SIGTERM comes (its drain closes every process without a running job): a
    // worker given calls faster than it starts them drops the queued ones when it drains.
    fleetThroughScaleDownAndRollout(AgentSdk.NODE, SampleAgent.Sdk.NODE, 3, 20, 2500);
  }

  private void fleetThroughScaleDownAndRollout(
      AgentSdk env, SampleAgent.Sdk sdk, int replicas, int callCount, long spacingMs)
      throws Exception {
    Optional<String> problem =
        AgentEnvironments.problem(
            env, WorkerImage.repoRoot(), Path.of("target", "sandbox-tests", "agent-envs"));
    Assumptions.assumeTrue(problem.isEmpty(), () -> "skipped: " + problem.orElse(""));
    String name = sdk.name().toLowerCase(java.util.Locale.ROOT) + "-fleet";
    Fleet fleet = new Fleet(sandbox, name);
    AgentDeployment d = SampleAgent.deployment(name, sandbox.livekitUrl(), replicas, false, sdk);
    fleet.resource().create(d);
    try {
      // Generous: on a loaded machine a Node worker's first readiness waited over 2 minutes once.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofMinutes(4))
          .conditionEvaluationListener(
              c -> {
                if (c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
                  System.out.println(fleet.dump());
                }
              })
          .until(() -> fleet.ready().size() == replicas && fleet.registered().size() == replicas);
      Set<String> firstRevision =
          fleet.pods().stream().map(Fleet::revision).collect(Collectors.toSet());
      assertThat(firstRevision).hasSize(1);

      List<CallRecord> placed = new ArrayList<>();
      Instant changed = null;
      for (int i = 0; i < callCount; i++) {
        placed.add(sandbox.callers().place(name, Duration.ofSeconds(5 + (i * 7L) % 6)));
        if (i == callCount * 3 / 10) {
          fleet.resource().scale(replicas - 1);
        }
        if (i == callCount * 6 / 10) {
          changed = Instant.now();
          fleet.edit(
              x -> {
                Fleet.addEnv(x.getSpec().getTemplate(), "RELEASE", "2");
                return x;
              });
        }
        Thread.sleep(spacingMs);
      }
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .conditionEvaluationListener(
              c -> {
                if (c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
                  System.out.println(fleet.outcomes(placed) + "\n" + fleet.dump());
                }
              })
          .until(
              () ->
                  fleet.ledgerOf(placed).stream().allMatch(c -> c.outcome().ended())
                      && fleet.pods().size() == replicas - 1
                      && fleet.pods().stream()
                          .noneMatch(p -> firstRevision.contains(Fleet.revision(p))));

      List<CallRecord> calls = fleet.ledgerOf(placed);
      Map<CallOutcome, Long> outcomes = fleet.outcomes(placed);
      System.out.printf(
          "%s fleet: %d calls %s; join ms p50 %d max %d%n",
          sdk, calls.size(), outcomes, percentile(calls, 0.5), percentile(calls, 1.0));
      assertThat(calls).hasSize(callCount);
      assertThat(calls)
          .as("every call ran its length with its agent: %s", outcomes)
          .allMatch(c -> c.outcome().completed());

      // The rollout drained the first revision only once a new worker was registered.
      Instant templateChanged = changedAtOrEpoch(changed);
      Instant firstNewRegistration =
          sandbox.livekitLog().stream()
              .filter(e -> e.message().equals("worker registered"))
              .filter(e -> e.field("agentName").equals(name))
              .map(LiveKitLog.Entry::time)
              .filter(t -> t.isAfter(templateChanged))
              .min(Instant::compareTo)
              .orElseThrow();
      Instant firstOldDrain =
          podDeletions(sandbox.controlPlane().auditLog()).stream()
              .filter(x -> x.at().isAfter(templateChanged))
              .map(Deletion::at)
              .min(Instant::compareTo)
              .orElseThrow();
      System.out.printf(
          "%s rollout: first new worker registered %s, first old worker drained %s%n",
          sdk, firstNewRegistration, firstOldDrain);
      assertThat(firstOldDrain).isAfterOrEqualTo(firstNewRegistration);
    } finally {
      fleet.resource().delete();
      await().ignoreExceptions().atMost(Duration.ofMinutes(3)).until(() -> fleet.pods().isEmpty());
    }
  }

  private static Instant changedAtOrEpoch(Instant changed) {
    return changed == null ? Instant.EPOCH : changed;
  }

  private static long percentile(List<CallRecord> calls, double p) {
    List<Long> ms =
        calls.stream()
            .filter(c -> c.joinLatency() != null)
            .map(c -> c.joinLatency().toMillis())
            .sorted()
            .toList();
    return ms.isEmpty() ? -1 : ms.get((int) Math.min(ms.size() - 1, Math.floor(p * ms.size())));
  }

  record Deletion(String pod, Instant at) {}

  /** The operator's pod DELETEs, from the API server's audit log (one JSON event per line). */
  static List<Deletion> podDeletions(Path auditLog) throws IOException {
    List<Deletion> deletions = new ArrayList<>();
    for (String line : Files.readAllLines(auditLog)) {
      JsonNode e = JSON.readTree(line);
      if (e.path("verb").asText().equals("delete")
          && e.path("objectRef").path("resource").asText().equals("pods")
          && e.path("objectRef").path("subresource").isMissingNode()
          && e.path("user").path("username").asText().contains("agentfleet-operator")) {
        deletions.add(
            new Deletion(
                e.path("objectRef").path("name").asText(),
                Instant.parse(e.path("requestReceivedTimestamp").asText())));
      }
    }
    return deletions;
  }
}
