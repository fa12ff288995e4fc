package io.agentfleet.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.cli.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerStateTest {

  static final Optional<WorkerReport> IDLE =
      Optional.of(WorkerReport.idle(WorkerStatusFormat.AGENTFLEET));
  static final Optional<WorkerReport> DRAINING =
      Optional.of(
          new WorkerReport(2, 0.5, true, true, null, null, null, WorkerStatusFormat.AGENTFLEET));

  @Test
  void readyPodIsReady() {
    assertThat(WorkerState.of(pod(true), IDLE)).isEqualTo(WorkerState.READY);
    assertThat(WorkerState.of(pod(true), Optional.empty())).isEqualTo(WorkerState.READY);
  }

  @Test
  void notReadyPodIsStarting() {
    assertThat(WorkerState.of(pod(false), Optional.empty())).isEqualTo(WorkerState.STARTING);
    Pod noStatus = pod(false);
    noStatus.setStatus(null);
    assertThat(WorkerState.of(noStatus, Optional.empty())).isEqualTo(WorkerState.STARTING);
  }

  @Test
  void terminatingPodOrDrainingWorkerIsDrainingWhateverItsReadiness() {
    Pod terminating = pod(false);
    terminating.getMetadata().setDeletionTimestamp("2026-11-25T10:00:00Z");
    assertThat(WorkerState.of(terminating, Optional.empty())).isEqualTo(WorkerState.DRAINING);
    assertThat(WorkerState.of(pod(true), DRAINING)).isEqualTo(WorkerState.DRAINING);
  }

  @Test
  void endedOrCrashLoopingPodHasFailed() {
    Pod ended = pod(false);
    ended.getStatus().setPhase("Failed");
    assertThat(WorkerState.of(ended, Optional.empty())).isEqualTo(WorkerState.FAILED);

    Pod looping = pod(false);
    looping
        .getStatus()
        .getContainerStatuses()
        .add(
            new ContainerStatusBuilder()
                .withName("agent")
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .build());
    assertThat(WorkerState.of(looping, Optional.empty())).isEqualTo(WorkerState.FAILED);
    assertThat(WorkerState.FAILED.label()).isEqualTo("failed");
  }

  static Pod pod(boolean ready) {
    return Fixtures.pod("p", "aaa", ready, "10.0.0.1");
  }
}
