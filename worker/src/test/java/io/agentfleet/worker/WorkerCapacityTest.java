package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.agent.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * Capacity, load and FULL: the worker's own report, and what the server does with it (no job is
 * placed on a FULL worker). The devserver also shows the status and load it holds for the worker;
 * the real server keeps them to itself, so there the placement is the evidence.
 */
class WorkerCapacityTest {

  @OnBothServers
  void runsTwentyJobsAtOnceOnOneWorker(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("busy", b -> b.maxJobs(20));

    // Calls without a length last until their dispatch is deleted, however slow the machine.
    List<AgentDispatch> dispatches = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      dispatches.add(fleet.dispatch("room-" + i, "busy", ""));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> worker.info().activeJobs() == 20);
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().status().equals("WS_FULL"));
    if (fleet.server() instanceof DevServerUnderTest dev) {
      Worker record = dev.worker(worker.info().workerId()).orElseThrow();
      await().atMost(Duration.ofSeconds(5)).until(() -> record.status() == WorkerStatus.WS_FULL);
      assertThat(record.load()).isEqualTo(1.0f);
    }
    AgentDispatch overflow = fleet.dispatch("room-20", "busy", "");
    fleet.assertNoJobPlaced(overflow);
    assertThat(worker.info().activeJobs()).isEqualTo(20);

    for (AgentDispatch d : dispatches) {
      fleet.deleteDispatch(d);
    }
    // The worker counts a job's end before it frees the job's slot: wait for both.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> worker.info().jobsSucceeded() == 20 && worker.info().activeJobs() == 0);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> worker.info().status().equals("WS_AVAILABLE"));
    AgentDispatch after = fleet.dispatch("room-21", "busy", "{\"hold_ms\": 10}");
    fleet.awaitServer(
        "a job placed once the worker is available again",
        Duration.ofSeconds(10),
        () -> fleet.endOf(after).isPresent());
  }

  @OnBothServers
  void reportsLoadAndFullAtTheThreshold(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("calls", b -> b.maxJobs(4).loadThreshold(0.5));

    fleet.dispatch("a", "calls", "");
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().workerLoad() == 0.25);
    assertThat(worker.info().status()).isEqualTo("WS_AVAILABLE");
    if (fleet.server() instanceof DevServerUnderTest dev) {
      Worker record = dev.worker(worker.info().workerId()).orElseThrow();
      await().atMost(Duration.ofSeconds(5)).until(() -> record.load() == 0.25f);
      assertThat(record.status()).isEqualTo(WorkerStatus.WS_AVAILABLE);
    }

    fleet.dispatch("b", "calls", "");
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().status().equals("WS_FULL"));
    assertThat(worker.info().workerLoad()).isEqualTo(0.5);
    if (fleet.server() instanceof DevServerUnderTest dev) {
      Worker record = dev.worker(worker.info().workerId()).orElseThrow();
      await().atMost(Duration.ofSeconds(5)).until(() -> record.status() == WorkerStatus.WS_FULL);
      assertThat(record.load()).isEqualTo(0.5f);
    }

    AgentDispatch third = fleet.dispatch("c", "calls", "");
    fleet.assertNoJobPlaced(third);
    assertThat(worker.info().activeJobs()).isEqualTo(2);
    assertThat(worker.info().status()).isEqualTo("WS_FULL");
  }

  @OnBothServers
  void aSecondWorkerTakesTheJobsTheFirstRefuses(TestFleet fleet) throws Exception {
    AgentWorker small = fleet.startWorker("shared", b -> b.maxJobs(2));
    AgentWorker large = fleet.startWorker("shared", b -> b.maxJobs(10));

    List<AgentDispatch> dispatches = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      dispatches.add(fleet.dispatch("room-" + i, "shared", ""));
    }

    fleet.awaitServer(
        "all 8 jobs placed",
        Duration.ofSeconds(20),
        () -> {
          for (AgentDispatch d : dispatches) {
            if (fleet.jobOf(d).isEmpty()) {
              return false;
            }
          }
          return true;
        });
    assertThat(small.info().activeJobs()).isLessThanOrEqualTo(2);
    assertThat(small.info().activeJobs() + large.info().activeJobs()).isEqualTo(8);
    for (AgentDispatch d : dispatches) {
      assertThat(fleet.jobOf(d).orElseThrow().getState().getWorkerId())
          .isIn(small.info().workerId(), large.info().workerId());
    }
  }
}
