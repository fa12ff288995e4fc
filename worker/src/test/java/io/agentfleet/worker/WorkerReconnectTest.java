package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import livekit.LivekitAgentDispatch.AgentDispatch;

/** A LiveKit server restart must not cost a call: the worker re-registers, jobs keep running. */
class WorkerReconnectTest {

  @OnBothServers
  void reconnectsAfterAServerRestartAndTheJobKeepsRunning(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);
    String firstId = worker.info().workerId();
    fleet.dispatch("call", "voice-agent", "{\"hold_ms\": 6000}");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 1);

    fleet.restartServer();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.info().registered() && !worker.info().workerId().equals(firstId));
    fleet.awaitRegistered(worker);
    assertThat(worker.info().activeJobs()).isEqualTo(1);
    assertThat(fleet.get(worker, "/ready").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> worker.info().jobsSucceeded() == 1);
    assertThat(worker.info().jobsFailed()).isZero();

    // The new server knows the worker and can hand it work.
    AgentDispatch next = fleet.dispatch("next-call", "voice-agent", "{\"hold_ms\": 10}");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().jobsSucceeded() == 2);
    fleet.awaitServer(
        "next-call end recorded", Duration.ofSeconds(10), () -> fleet.endOf(next).isPresent());
  }
}
