package io.agentfleet.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.Rollback;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackGuardsTest {

  static final String NEW = "new";
  static final String STABLE = "voice-stable";
  static final String STABLE_HASH = "stable";

  static Rollback automatic() {
    Rollback r = new Rollback();
    r.setAutomatic(true);
    r.setMaxJobFailureRatio(0.2);
    r.setMinJobs(5);
    return r;
  }

  static RolloutPlan plan(RolloutPhase phase, boolean deadline) {
    return new RolloutPlan(
        0,
        List.of(),
        phase,
        RolloutState.start(NEW, Instant.EPOCH, null),
        100,
        false,
        deadline,
        "");
  }

  static WorkerPod worker(String revision, long succeeded, long failed, int restarts) {
    return new WorkerPod(
        "p",
        revision,
        true,
        false,
        false,
        Instant.EPOCH,
        new WorkerReport(
            0, 0.0, false, false, null, succeeded, failed, WorkerStatusFormat.AGENTFLEET),
        restarts);
  }

  static Optional<String> judge(Rollback policy, RolloutPlan plan, List<WorkerPod> pods) {
    return RollbackGuards.shouldRollBack(policy, plan, pods, NEW, STABLE, STABLE_HASH);
  }

  @Test
  void missedDeadlineRollsBack() {
    assertThat(judge(automatic(), plan(RolloutPhase.Failed, true), List.of()))
        .hasValueSatisfying(r -> assertThat(r).contains("progress deadline"));
  }

  @Test
  void crashLoopRollsBack() {
    assertThat(
            judge(
                automatic(), plan(RolloutPhase.Progressing, false), List.of(worker(NEW, 0, 0, 3))))
        .hasValueSatisfying(r -> assertThat(r).contains("restarted 3 times"));
    assertThat(
            judge(
                automatic(), plan(RolloutPhase.Progressing, false), List.of(worker(NEW, 0, 0, 2))))
        .isEmpty();
    assertThat(
            judge(
                automatic(),
                plan(RolloutPhase.Progressing, false),
                List.of(worker("old", 0, 0, 9))))
        .isEmpty();
  }

  @Test
  void failureRatioRollsBackOnlyAfterEnoughCalls() {
    RolloutPlan p = plan(RolloutPhase.Progressing, false);
    assertThat(judge(automatic(), p, List.of(worker(NEW, 1, 3, 0)))).isEmpty();
    assertThat(judge(automatic(), p, List.of(worker(NEW, 2, 3, 0))))
        .hasValueSatisfying(r -> assertThat(r).contains("3 of 5 calls failed"));
    assertThat(judge(automatic(), p, List.of(worker(NEW, 8, 2, 0)))).isEmpty();
    assertThat(judge(automatic(), p, List.of(worker(NEW, 7, 3, 0)))).isPresent();
  }

  @Test
  void nothingHappensWhenOffCompletedOrWithoutAStableRevision() {
    Rollback off = automatic();
    off.setAutomatic(false);
    List<WorkerPod> crashing = List.of(worker(NEW, 0, 0, 5));
    assertThat(judge(off, plan(RolloutPhase.Failed, true), crashing)).isEmpty();
    assertThat(judge(null, plan(RolloutPhase.Failed, true), crashing)).isEmpty();
    assertThat(judge(automatic(), plan(RolloutPhase.Completed, false), crashing)).isEmpty();
    assertThat(judge(automatic(), plan(RolloutPhase.RolledBack, false), crashing)).isEmpty();
    assertThat(
            RollbackGuards.shouldRollBack(
                automatic(), plan(RolloutPhase.Failed, true), crashing, NEW, null, null))
        .isEmpty();
    // the update revision is the stable one: nowhere to go back to
    assertThat(
            RollbackGuards.shouldRollBack(
                automatic(), plan(RolloutPhase.Failed, true), crashing, NEW, "voice-new", NEW))
        .isEmpty();
  }
}
