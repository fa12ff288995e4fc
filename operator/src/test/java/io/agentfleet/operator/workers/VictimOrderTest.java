package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VictimOrderTest {

  static final String NEW = "new";
  static final String OLD = "old";

  static WorkerPod pod(String name, String revision, boolean ready, int createdSecond) {
    return new WorkerPod(name, revision, ready, false, false, Instant.ofEpochSecond(createdSecond));
  }

  static WorkerPod reporting(String name, String revision, int calls, int createdSecond) {
    return new WorkerPod(
        name,
        revision,
        true,
        false,
        false,
        Instant.ofEpochSecond(createdSecond),
        new WorkerReport(
            calls, 0.1 * calls, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  @Test
  void jobAwareOrderIsNeverStartedIdleFewestCallsThenUnknown() {
    List<WorkerPod> pods =
        new ArrayList<>(
            List.of(
                reporting("busy-3", NEW, 3, 1),
                pod("silent", NEW, true, 1),
                reporting("busy-1", NEW, 1, 1),
                reporting("idle-new", NEW, 0, 1),
                reporting("idle-old", OLD, 0, 1),
                pod("starting", NEW, false, 9)));
    pods.sort(VictimOrder.forUpdateRevision(NEW));
    assertThat(pods)
        .extracting(WorkerPod::name)
        .containsExactly("starting", "idle-old", "idle-new", "busy-1", "busy-3", "silent");
  }

  @Test
  void victimOrderIsNotReadyThenOldThenNewestThenName() {
    List<WorkerPod> pods =
        new ArrayList<>(
            List.of(
                pod("ready-new-old", NEW, true, 1),
                pod("ready-new-young", NEW, true, 5),
                pod("ready-old", OLD, true, 1),
                pod("unready-new", NEW, false, 1),
                pod("b-same", NEW, true, 3),
                pod("a-same", NEW, true, 3)));
    pods.sort(VictimOrder.forUpdateRevision(NEW));
    assertThat(pods)
        .extracting(WorkerPod::name)
        .containsExactly(
            "unready-new", "ready-old", "ready-new-young", "a-same", "b-same", "ready-new-old");
  }
}
