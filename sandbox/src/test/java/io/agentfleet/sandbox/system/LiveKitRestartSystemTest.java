package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LiveKit server SIGKILLed under the operator with calls in flight, kept down for 30 s and
 * started again on the same port. The workers lose their connection, keep their jobs and reconnect
 * with back-off; the operator keeps every pod (same UIDs, no DELETE in the audit log, no restart),
 * says why the fleet is not ready ({@code Degraded=True LiveKitUnreachable} and a Warning Event)
 * and says it recovered; new calls are placed again. What the calls in flight become is counted: a
 * restarted livekit-server remembers no room and no job, so those calls end with the server, not
 * with the operator.
 */
class LiveKitRestartSystemTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  static final Duration DOWN = Duration.ofSeconds(30);
  private static final Pattern RECONNECTING = Pattern.compile("reconnecting to \\S+ in (\\d+) ms");
  static final String NAME = "lk-restart";
  static Sandbox sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("livekit-restart");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  void workersReconnectTheOperatorKeepsEveryPodAndSaysWhy() throws Exception {
    Fleet fleet = new Fleet(sandbox, NAME);
    fleet.resource().create(SampleAgent.deployment(NAME, sandbox.livekitUrl(), 3, false));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofMinutes(2))
        .until(() -> fleet.ready().size() == 3 && fleet.registered().size() == 3);

    List<CallRecord> inFlight = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      inFlight.add(sandbox.callers().place(NAME, Duration.ofSeconds(100)));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> fleet.outcomes(inFlight).getOrDefault(CallOutcome.IN_CALL, 0L) == 9L);
    Map<String, String> uidBefore = uids(fleet.pods());
    int restartsBefore = restarts(fleet.pods());
    int jobsBefore = workerJobs(fleet.pods());

    ProcessHandle server = ProcessHandle.of(sandbox.livekit().pid()).orElseThrow();
    Instant killed = Instant.now();
    server.destroyForcibly();
    server.onExit().get(10, TimeUnit.SECONDS);

    // While it is down: what the operator says, and whether the workers keep their jobs.
    Instant degradedAt = null;
    int leastJobs = Integer.MAX_VALUE;
    while (Duration.between(killed, Instant.now()).compareTo(DOWN) < 0) {
      Condition degraded = degraded(fleet);
      if (degradedAt == null
          && degraded != null
          && "True".equals(degraded.getStatus())
          && "LiveKitUnreachable".equals(degraded.getReason())) {
        degradedAt = Instant.now();
        System.out.println("Degraded: " + degraded.getMessage());
      }
      leastJobs = Math.min(leastJobs, workerJobs(fleet.pods()));
      Thread.sleep(1000);
    }
    int readyWhileDown = fleet.ready().size();

    Instant restarted = Instant.now();
    sandbox.livekit().restart();
    Instant answering = Instant.now();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> registeredSince(restarted).size() == 3);
    Instant reRegistered = Instant.now();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .until(() -> fleet.ready().size() == 3 && "False".equals(degraded(fleet).getStatus()));
    Instant cleared = Instant.now();
    int jobsAfter = workerJobs(fleet.pods());

    List<CallRecord> after = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      after.add(sandbox.callers().place(NAME, Duration.ofSeconds(5)));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> fleet.ledgerOf(after).stream().allMatch(c -> c.outcome().ended()));

    List<Event> events = fleet.events();
    Set<String> reasons = events.stream().map(Event::getReason).collect(Collectors.toSet());
    List<SdkFleetSystemTest.Deletion> deletions =
        SdkFleetSystemTest.podDeletions(sandbox.controlPlane().auditLog());
    Map<CallOutcome, Long> inFlightOutcomes = fleet.outcomes(inFlight);
    System.out.printf(
        "livekit-server killed with %d calls in flight (workers held %d jobs), down %d s;"
            + " Degraded LiveKitUnreachable %s s after the kill; ready while down %d;"
            + " least jobs held by the workers while down %d; server answering %d ms after its"
            + " start; all 3 workers registered again %d ms after the restart; condition cleared"
            + " %d ms after it; jobs the workers still held then %d; in-flight calls in the"
            + " ledger %s; new calls %s; events %s; operator pod deletions %d%n",
        inFlight.size(),
        jobsBefore,
        DOWN.toSeconds(),
        degradedAt == null ? "never" : Duration.between(killed, degradedAt).toMillis() / 1000.0,
        readyWhileDown,
        leastJobs,
        Duration.between(restarted, answering).toMillis(),
        Duration.between(restarted, reRegistered).toMillis(),
        Duration.between(restarted, cleared).toMillis(),
        jobsAfter,
        inFlightOutcomes,
        fleet.outcomes(after),
        reasons,
        deletions.size());

    // The back-off each worker waited between its attempts, from its log.
    Map<String, List<Long>> backoff = new HashMap<>();
    for (Pod pod : fleet.pods()) {
      String name = pod.getMetadata().getName();
      backoff.put(
          name,
          Files.readAllLines(sandbox.kubelet().logFile("default", name)).stream()
              .map(RECONNECTING::matcher)
              .filter(Matcher::find)
              .map(m -> Long.parseLong(m.group(1)))
              .toList());
    }
    System.out.println("reconnect delays (ms) per worker: " + backoff);
    assertThat(backoff.values())
        .as("each worker reconnected with a growing delay")
        .allSatisfy(
            delays -> {
              assertThat(delays).hasSizeGreaterThan(3);
              // Each wait is drawn between half its ceiling and the ceiling: below the cap's
              // range they never shrink, and they reach the seconds.
              List<Long> belowCap = delays.stream().takeWhile(d -> d < 5000).toList();
              assertThat(belowCap).isSorted();
              assertThat(delays.stream().mapToLong(Long::longValue).max().orElse(0))
                  .isGreaterThanOrEqualTo(4000);
            });
    assertThat(uids(fleet.pods())).as("the same pods, none replaced").isEqualTo(uidBefore);
    assertThat(deletions).as("pod DELETEs by the operator").isEmpty();
    assertThat(restarts(fleet.pods())).as("no container restarted").isEqualTo(restartsBefore);
    assertThat(readyWhileDown).as("not ready while unregistered").isZero();
    assertThat(degradedAt).as("the operator said LiveKit was unreachable").isNotNull();
    assertThat(reasons).contains("LiveKitUnreachable", "Recovered");
    assertThat(leastJobs).as("workers kept their jobs while disconnected").isEqualTo(jobsBefore);
    assertThat(fleet.ledgerOf(after)).allMatch(c -> c.outcome().completed());
    // The restarted server knows none of the calls in flight: no job end is ever logged for them.
    assertThat(inFlightOutcomes).containsOnlyKeys(CallOutcome.IN_CALL);
  }

  /** Workers of the fleet the server registered since {@code since} (the old server's are gone). */
  private static Set<String> registeredSince(Instant since) {
    return sandbox.livekitLog().stream()
        .filter(e -> e.message().equals("worker registered"))
        .filter(e -> e.field("agentName").equals(NAME))
        .filter(e -> e.time().isAfter(since))
        .map(LiveKitLog.Entry::fields)
        .map(f -> f.path("workerID").asText())
        .collect(Collectors.toSet());
  }

  private static Condition degraded(Fleet fleet) {
    var d = fleet.get();
    return d.getStatus() == null
        ? null
        : d.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals(ConditionType.DEGRADED))
            .findFirst()
            .orElse(null);
  }

  private static Map<String, String> uids(List<Pod> pods) {
    Map<String, String> uids = new HashMap<>();
    pods.forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    return uids;
  }

  private static int restarts(List<Pod> pods) {
    return pods.stream()
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
        .sum();
  }

  /** The jobs the workers say they run, from each one's {@code /worker}. */
  static int workerJobs(List<Pod> pods) {
    int jobs = 0;
    for (Pod pod : pods) {
      String address =
          pod.getMetadata().getAnnotations().get(AgentDeploymentAnnotations.STATUS_ADDRESS);
      try {
        var response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + address + "/worker"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        jobs += JSON.readTree(response.body()).path("active_jobs").asInt();
      } catch (IOException e) {
        // a worker that does not answer counts nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return jobs;
      }
    }
    return jobs;
  }
}
