package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * Where the devserver and the real {@code livekit-server} genuinely differ in what a backend sees,
 * pinned per server so that the devserver's README stays true: when either side changes, this fails
 * and says which.
 */
class ServerDifferencesTest {

  /**
   * The devserver's {@code ListDispatch} shows a job's live state; the real server keeps the state
   * of the assignment (RUNNING) after the worker reported the end, which it records elsewhere.
   */
  @OnBothServers
  void listDispatchAfterTheJobEnded(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);
    AgentDispatch dispatch = fleet.dispatch("ended", "voice-agent", "{\"hold_ms\": 10}");
    fleet.awaitServer(
        "job end recorded", Duration.ofSeconds(10), () -> fleet.endOf(dispatch).isPresent());
    assertThat(worker.info().jobsSucceeded()).isEqualTo(1);

    JobStatus listed = fleet.jobOf(dispatch).orElseThrow().getState().getStatus();

    switch (fleet.server().kind()) {
      case DEVSERVER -> assertThat(listed).isEqualTo(JobStatus.JS_SUCCESS);
      case LIVEKIT_SERVER -> assertThat(listed).isEqualTo(JobStatus.JS_RUNNING);
    }
  }

  /**
   * A dispatch into a room that does not exist creates the room, and the room gets its automatic
   * (unnamed) dispatch as well, so an unnamed worker gets a job in it. This was a difference until
   * the devserver learnt it from the real server; it stays pinned on both.
   */
  @OnBothServers
  void aRoomCreatedByADispatchAlsoGetsTheAutomaticDispatch(TestFleet fleet) throws Exception {
    AgentWorker unnamed = fleet.startWorker("", b -> b);
    fleet.startWorker("voice-agent", b -> b);

    AgentDispatch named = fleet.dispatch("made-by-dispatch", "voice-agent", "");
    fleet.awaitServer("job placed", Duration.ofSeconds(10), () -> fleet.jobOf(named).isPresent());

    assertThat(fleet.dispatches(named.getRoom()))
        .extracting(AgentDispatch::getAgentName)
        .containsExactlyInAnyOrder("voice-agent", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> unnamed.info().activeJobs() == 1);
  }
}
