package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.agent.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Capacity, load and FULL as the devserver sees them. */
class WorkerCapacityTest {
  @RegisterExtension final TestFleet fleet = TestFleet.perTest();

  @Test
  void runsTwentyJobsAtOnceOnOneWorker() throws Exception {
    AgentWorker worker = fleet.startWorker("busy", b -> b.maxJobs(20));

    // Calls without a length last until their dispatch is deleted, however slow the machine.
    List<AgentDispatch> dispatches = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      dispatches.add(fleet.dispatch("room-" + i, "busy", ""));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> worker.info().activeJobs() == 20);
    Worker dev = fleet.devWorker(worker).orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> dev.status() == WorkerStatus.WS_FULL);
    assertThat(dev.load()).isEqualTo(1.0f);

    for (AgentDispatch d : dispatches) {
      fleet.deleteDispatch(d.getRoom(), d.getId());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> worker.info().jobsSucceeded() == 20);
    assertThat(worker.info().activeJobs()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> dev.status() == WorkerStatus.WS_AVAILABLE);
  }

  @Test
  void reportsLoadAndFullAtTheThreshold() throws Exception {
    AgentWorker worker = fleet.startWorker("calls", b -> b.maxJobs(4).loadThreshold(0.5));
    Worker dev = fleet.devWorker(worker).orElseThrow();

    fleet.dispatch("a", "calls", "");
    await().atMost(Duration.ofSeconds(5)).until(() -> dev.load() == 0.25f);
    assertThat(dev.status()).isEqualTo(WorkerStatus.WS_AVAILABLE);

    fleet.dispatch("b", "calls", "");
    await().atMost(Duration.ofSeconds(5)).until(() -> dev.status() == WorkerStatus.WS_FULL);
    assertThat(dev.load()).isEqualTo(0.5f);

    AgentDispatch third = fleet.dispatch("c", "calls", "");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> fleet.jobOf(third).isEmpty());
    assertThat(worker.info().activeJobs()).isEqualTo(2);
    assertThat(worker.info().status()).isEqualTo("WS_FULL");
  }

  @Test
  void aSecondWorkerTakesTheJobsTheFirstRefuses() throws Exception {
    AgentWorker small = fleet.startWorker("shared", b -> b.maxJobs(2));
    AgentWorker large = fleet.startWorker("shared", b -> b.maxJobs(10));

    List<AgentDispatch> dispatches = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      dispatches.add(fleet.dispatch("room-" + i, "shared", ""));
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> dispatches.stream().allMatch(d -> fleet.jobOf(d).isPresent()));
    assertThat(small.info().activeJobs()).isLessThanOrEqualTo(2);
    assertThat(small.info().activeJobs() + large.info().activeJobs()).isEqualTo(8);
  }
}
