package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.operator.events.EventReason;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.SandboxConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker that registers with the real livekit-server for the fleet's agent and then answers no
 * availability request (a hung agent whose socket stays up), beside two of the operator's workers.
 * livekit-server offers it jobs (its load, never reported, counts as 0: it draws the most offers),
 * gives up on each offer after its timeout without trying another worker, and the dispatch stays
 * without a job. The operator sees those dispatches wait and dispatches them again; they are placed
 * late, not lost. The silent worker is no pod of the operator's: nothing it reports names it.
 */
class SilentWorkerSystemTest {
  static final String NAME = "silent";
  static Sandbox sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("silent-worker");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  void callsOfferedToAWorkerThatNeverAnswersArePlacedLateNotLost() throws Exception {
    Fleet fleet = new Fleet(sandbox, NAME);
    fleet.resource().create(SampleAgent.deployment(NAME, sandbox.livekitUrl(), 2, false));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofMinutes(2))
        .until(() -> fleet.ready().size() == 2 && fleet.registered().size() == 2);

    try (SilentWorker silent =
        SilentWorker.register(
            sandbox.livekitUrl(), SandboxConfig.API_KEY, SandboxConfig.API_SECRET, NAME)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.registered().size() == 3);

      List<CallRecord> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(sandbox.callers().place(NAME, Duration.ofSeconds(10)));
        Thread.sleep(1000);
      }
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofSeconds(1))
          .conditionEvaluationListener(
              c -> {
                if (c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
                  System.out.println(fleet.outcomes(calls) + "\n" + fleet.dump());
                }
              })
          .until(() -> fleet.ledgerOf(calls).stream().allMatch(c -> c.outcome().ended()));

      List<CallRecord> ledger = fleet.ledgerOf(calls);
      Set<String> offeredRooms =
          silent.offers.stream().map(SilentWorker.Offer::room).collect(Collectors.toSet());
      List<CallRecord> hit = ledger.stream().filter(c -> offeredRooms.contains(c.room())).toList();
      List<CallRecord> missed =
          ledger.stream().filter(c -> !offeredRooms.contains(c.room())).toList();
      long reoffered =
          fleet.events().stream()
              .filter(e -> EventReason.DispatchReoffered.name().equals(e.getReason()))
              .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
              .sum();
      System.out.printf(
          "silent worker %s got %d offers for %d of %d calls; those calls: join ms %s, %s;"
              + " the others: join ms p50 %d max %d, %s; DispatchReoffered events %d;"
              + " the operator's status: %d calls, %d available workers%n",
          silent.workerId(),
          silent.offers.size(),
          hit.size(),
          ledger.size(),
          hit.stream().map(c -> c.joinLatency().toMillis()).sorted().toList(),
          outcomes(hit),
          percentile(missed, 0.5),
          percentile(missed, 1.0),
          outcomes(missed),
          reoffered,
          fleet.get().getStatus().getActiveJobs(),
          fleet.get().getStatus().getAvailableWorkers());
      // How long the server waited for each answer before it gave the offer up.
      List<Long> gaveUpMs = new ArrayList<>();
      for (SilentWorker.Offer offer : silent.offers) {
        sandbox.livekitLog().stream()
            .filter(e -> e.message().equals("failed to assign job to worker"))
            .filter(e -> e.field("jobID").equals(offer.jobId()))
            .findFirst()
            .ifPresent(
                e -> {
                  gaveUpMs.add(Duration.between(offer.at(), e.time()).toMillis());
                  System.out.println("livekit-server: " + e.message() + " " + e.fields());
                });
      }
      System.out.printf(
          "offers given up by the server: %d of %d, after ms %s%n",
          gaveUpMs.size(), silent.offers.size(), gaveUpMs.stream().sorted().toList());

      assertThat(silent.offers).as("livekit-server offered the silent worker jobs").isNotEmpty();
      assertThat(ledger)
          .as("every call placed and run to its end: %s", outcomes(ledger))
          .allMatch(c -> c.outcome().completed());
      // At least the server's wait for the answer, then the operator's re-offer.
      assertThat(hit)
          .as("a call offered to the silent worker waited for the operator's re-offer")
          .allMatch(c -> c.joinLatency().compareTo(Duration.ofSeconds(3)) > 0);
      assertThat(reoffered).isPositive();
    }
  }

  private static java.util.Map<CallOutcome, Long> outcomes(List<CallRecord> calls) {
    return calls.stream()
        .collect(Collectors.groupingBy(CallRecord::outcome, Collectors.counting()));
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
}
