package io.agentfleet.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerStateTest {

  @Test
  void acceptsWithTheDefaultIdentityAndAgentNameAttribute() {
    WorkerState state = new WorkerState("voice", 2, 0.7);

    AvailabilityResponse answer = state.offer("AJ_1", 0.0);

    assertThat(answer.getAvailable()).isTrue();
    assertThat(answer.getJobId()).isEqualTo("AJ_1");
    assertThat(answer.getParticipantIdentity()).isEqualTo("agent-AJ_1");
    assertThat(answer.getParticipantAttributesMap()).containsEntry("lk.agent.name", "voice");
  }

  @Test
  void aReservationHoldsASlotUntilTheJobEnds() {
    WorkerState state = new WorkerState("", 1, 1.0);

    assertThat(state.offer("AJ_1", 0).getAvailable()).isTrue();
    assertThat(state.offer("AJ_2", 0).getAvailable()).as("slot reserved").isFalse();
    assertThat(state.assigned("AJ_1")).isTrue();
    assertThat(state.offer("AJ_2", 0).getAvailable()).as("slot running").isFalse();
    state.finished("AJ_1");
    assertThat(state.offer("AJ_2", 0).getAvailable()).isTrue();
  }

  @Test
  void anUnassignedReservationIsReleasedOnTimeout() {
    WorkerState state = new WorkerState("", 1, 1.0);
    state.offer("AJ_1", 0);

    state.assignmentTimedOut("AJ_1");

    assertThat(state.offer("AJ_2", 0).getAvailable()).isTrue();
  }

  @ParameterizedTest(name = "load {0} vs threshold {1} -> accept {2}")
  @CsvSource({"0.0, 0.7, true", "0.69, 0.7, true", "0.7, 0.7, false", "0.9, 0.7, false"})
  void refusesAtOrAboveTheLoadThreshold(double load, double threshold, boolean accepted) {
    WorkerState state = new WorkerState("", 10, threshold);

    assertThat(state.offer("AJ_1", load).getAvailable()).isEqualTo(accepted);
    assertThat(state.status(load).getStatus())
        .isEqualTo(accepted ? WorkerStatus.WS_AVAILABLE : WorkerStatus.WS_FULL);
  }

  @Test
  void drainingRefusesEverythingAndReportsFullWithLoadOne() {
    WorkerState state = new WorkerState("", 4, 0.7);
    state.registered("AW_1");
    state.offer("AJ_1", 0);
    state.assigned("AJ_1");

    assertThat(state.drain()).isTrue();
    assertThat(state.drain()).as("second drain is not new").isFalse();

    assertThat(state.offer("AJ_2", 0).getAvailable()).isFalse();
    UpdateWorkerStatus status = state.status(0.1);
    assertThat(status.getStatus()).isEqualTo(WorkerStatus.WS_FULL);
    assertThat(status.getLoad()).isEqualTo(1.0f);
    assertThat(status.getJobCount()).isEqualTo(1);
    assertThat(state.snapshot().ready()).isFalse();
  }

  @Test
  void fullAtMaxJobsEvenUnderTheLoadThreshold() {
    WorkerState state = new WorkerState("", 2, 1.0);
    for (String id : new String[] {"AJ_1", "AJ_2"}) {
      state.offer(id, 0);
      state.assigned(id);
    }

    assertThat(state.status(0.0).getStatus()).isEqualTo(WorkerStatus.WS_FULL);
    assertThat(state.jobFraction()).isEqualTo(1.0);
  }

  @Test
  void readyOnlyWhileRegisteredAndNotDraining() {
    WorkerState state = new WorkerState("", 1, 1.0);
    assertThat(state.snapshot().ready()).isFalse();

    state.registered("AW_1");
    assertThat(state.snapshot().ready()).isTrue();

    state.disconnected();
    assertThat(state.snapshot().ready()).isFalse();
    assertThat(state.workerId()).isEmpty();
  }

  @Test
  void jobsSurviveADisconnect() {
    WorkerState state = new WorkerState("", 2, 1.0);
    state.registered("AW_1");
    state.offer("AJ_1", 0);
    state.assigned("AJ_1");

    state.disconnected();
    state.registered("AW_2");

    assertThat(state.runningJobs()).containsExactly("AJ_1");
    assertThat(state.status(0).getJobCount()).isEqualTo(1);
  }

  @Test
  void idleWithNothingAcceptedOrRunning() throws Exception {
    assertThat(new WorkerState("", 1, 1.0).awaitIdle(Duration.ZERO)).isTrue();
  }

  @Test
  void anAcceptedJobKeepsTheWorkerBusyUntilItsAssignmentTimesOut() throws Exception {
    WorkerState state = new WorkerState("", 2, 1.0);
    state.offer("AJ_1", 0);
    state.drain();

    assertThat(state.awaitIdle(Duration.ofMillis(50)))
        .as("the assignment may still arrive")
        .isFalse();
    state.assignmentTimedOut("AJ_1");
    assertThat(state.awaitIdle(Duration.ZERO)).isTrue();
  }

  @Test
  void anAssignmentArrivingDuringADrainIsWaitedFor() throws Exception {
    WorkerState state = new WorkerState("", 2, 1.0);
    state.offer("AJ_1", 0);
    state.drain();
    CompletableFuture<Boolean> drained = new CompletableFuture<>();
    Thread drainer =
        new Thread(
            () -> {
              try {
                drained.complete(state.awaitIdle(Duration.ofSeconds(30)));
              } catch (InterruptedException e) {
                drained.completeExceptionally(e);
              }
            },
            "drainer");
    drainer.start();
    // The drain is already waiting on the reservation when the assignment comes.
    while (drainer.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(5);
    }

    assertThat(state.assigned("AJ_1")).as("accepted before the drain, so it runs").isTrue();
    Thread.sleep(50);
    assertThat(drained).as("still waiting for the running job").isNotDone();
    state.finished("AJ_1");

    assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aLostConnectionReleasesReservations() throws Exception {
    WorkerState state = new WorkerState("", 2, 1.0);
    state.offer("AJ_1", 0);

    state.disconnected();

    assertThat(state.awaitIdle(Duration.ZERO)).isTrue();
  }

  @Test
  void rejectsAnImpossibleCapacity() {
    assertThatThrownBy(() -> new WorkerState("", 0, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRepeatedAssignmentDoesNotRunTheJobTwice() {
    WorkerState state = new WorkerState("", 2, 1.0);
    state.offer("AJ_1", 0);
    assertThat(state.assigned("AJ_1")).isTrue();
    assertThat(state.runs("AJ_1")).isTrue();
    assertThat(state.assigned("AJ_1")).as("found by AgentProtocolFuzzTest").isFalse();
    assertThat(state.snapshot().activeJobs()).isEqualTo(1);
  }
}
