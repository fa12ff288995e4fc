package io.agentfleet.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.RollingUpdate;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutPlannerTest {

  static final String NEW = "new";
  static final String OLD = "old";
  static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
  static final Duration DEADLINE = Duration.ofSeconds(600);

  // ---- fixtures

  static WorkerPod pod(String name, String revision, boolean ready, int createdSecond) {
    return new WorkerPod(
        name, revision, ready, false, false, T0.minusSeconds(1000 - createdSecond));
  }

  static WorkerPod busy(String name, String revision, int calls, boolean full) {
    return new WorkerPod(
        name,
        revision,
        true,
        false,
        false,
        T0.minusSeconds(500),
        new WorkerReport(
            calls, full ? 1.0 : 0.3, full, false, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod terminating(String name, String revision) {
    return new WorkerPod(name, revision, true, true, false, T0.minusSeconds(900));
  }

  static WorkerPod finished(String name, String revision) {
    return new WorkerPod(name, revision, false, false, true, T0.minusSeconds(900));
  }

  static Strategy rolling(String maxSurge) {
    Strategy s = new Strategy();
    s.setType(StrategyType.ROLLING_UPDATE);
    s.setRollingUpdate(new RollingUpdate(maxSurge));
    return s;
  }

  static Strategy canary(CanaryStep... steps) {
    Strategy s = new Strategy();
    s.setType(StrategyType.CANARY);
    Canary c = new Canary();
    c.setSteps(List.of(steps));
    s.setCanary(c);
    return s;
  }

  static RolloutInput input(int desired, List<WorkerPod> pods, Strategy strategy) {
    return new RolloutInput(desired, NEW, pods, strategy, null, false, null, DEADLINE, false, T0);
  }

  static List<String> names(List<WorkerPod> pods) {
    return pods.stream().map(WorkerPod::name).toList();
  }

  // ---- rolling update and plain sizing

  static Stream<Arguments> rollingCases() {
    return Stream.of(
        Arguments.of("empty fleet grows", 3, List.of(), 3, List.of()),
        Arguments.of(
            "at size does nothing",
            2,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, true, 2)),
            0,
            List.of()),
        Arguments.of(
            "scale down removes newest first",
            1,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, true, 2), pod("c", NEW, true, 3)),
            0,
            List.of("c", "b")),
        Arguments.of(
            "scale down removes not ready before ready",
            2,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, false, 2), pod("c", NEW, true, 3)),
            0,
            List.of("b")),
        Arguments.of(
            "scale down drains idle before busy",
            1,
            List.of(busy("busy", NEW, 2, false), busy("idle", NEW, 0, false)),
            0,
            List.of("idle")),
        Arguments.of(
            "terminating pods are not capacity",
            2,
            List.of(pod("a", NEW, true, 1), terminating("t", NEW)),
            1,
            List.of()),
        Arguments.of(
            "finished pods are removed and replaced",
            1,
            List.of(finished("f", NEW)),
            1,
            List.of("f")),
        Arguments.of(
            "new template: surge first (25% of 4 = 1), old stay while new are not ready",
            4,
            List.of(
                pod("o1", OLD, true, 1),
                pod("o2", OLD, true, 2),
                pod("o3", OLD, true, 3),
                pod("o4", OLD, true, 4)),
            1,
            List.of()),
        Arguments.of(
            "an old worker goes when a new one is available, idle old first",
            2,
            List.of(busy("o1", OLD, 2, false), busy("o2", OLD, 0, false), pod("n1", NEW, true, 3)),
            1,
            List.of("o2")),
        Arguments.of(
            "a ready new worker that is full does not count as capacity yet (and surge is used)",
            2,
            List.of(busy("o1", OLD, 0, false), busy("o2", OLD, 0, false), busy("n1", NEW, 4, true)),
            0,
            List.of()),
        Arguments.of(
            "a full old worker can go at once: it takes no calls, its calls finish where they are",
            2,
            List.of(busy("o1", OLD, 3, true), busy("o2", OLD, 0, false)),
            2,
            List.of("o1")),
        Arguments.of(
            "not ready old pods go at once",
            2,
            List.of(pod("o1", OLD, false, 1), pod("o2", OLD, true, 2)),
            2,
            List.of("o1")),
        Arguments.of(
            "scale to zero drains everything",
            0,
            List.of(pod("o1", OLD, true, 1), pod("n1", NEW, true, 2)),
            0,
            List.of("o1", "n1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollingCases")
  void rollingUpdate(
      String description, int desired, List<WorkerPod> pods, int create, List<String> remove) {
    RolloutPlan plan = RolloutPlanner.plan(input(desired, pods, null));
    assertThat(plan.create()).as(description).isEqualTo(create);
    assertThat(names(plan.remove())).as(description).containsExactlyElementsOf(remove);
  }

  @Test
  void maxSurgeAsACountOrAPercentage() {
    List<WorkerPod> old = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      old.add(pod("o" + i, OLD, true, i));
    }
    assertThat(RolloutPlanner.plan(input(10, old, rolling("3"))).create()).isEqualTo(3);
    assertThat(RolloutPlanner.plan(input(10, old, rolling("50%"))).create()).isEqualTo(5);
    assertThat(RolloutPlanner.plan(input(10, old, rolling("0%"))).create()).isEqualTo(1);
    assertThat(Surge.resolve("25%", 0)).isEqualTo(1);
  }

  @Test
  void completesOnlyWhenNoOldWorkerIsLeft() {
    RolloutPlan during =
        RolloutPlanner.plan(
            input(1, List.of(busy("o1", OLD, 3, true), pod("n1", NEW, true, 2)), null));
    assertThat(during.phase()).isEqualTo(RolloutPhase.Progressing);
    assertThat(names(during.remove())).containsExactly("o1");
    RolloutPlan draining =
        RolloutPlanner.plan(
            input(1, List.of(terminating("o1", OLD), pod("n1", NEW, true, 2)), null));
    assertThat(draining.phase()).isEqualTo(RolloutPhase.Progressing);
    assertThat(draining.message()).contains("1 old workers draining");
    assertThat(draining.state().progressedAt()).as("clock stopped while draining").isNull();
    RolloutPlan done = RolloutPlanner.plan(input(1, List.of(pod("n1", NEW, true, 2)), null));
    assertThat(done.phase()).isEqualTo(RolloutPhase.Completed);
  }

  /**
   * Every fleet of up to five pods (new or old, ready or not, idle or busy or full) against every
   * size up to four, for rolling and canary: removals never take available capacity below what is
   * wanted, terminating pods are never touched, the fleet never grows past desired + surge, and
   * repeatedly applying plans (new pods becoming available) always ends Completed with exactly the
   * desired update-revision workers.
   */
  @Test
  void invariantsAndConvergenceForEveryFleetOfUpToFivePods() {
    int checked = 0;
    for (Strategy strategy :
        List.of(rolling("25%"), rolling("2"), canary(CanaryStep.weight(50), CanaryStep.pause(0)))) {
      for (int size = 0; size <= 5; size++) {
        for (int mask = 0; mask < (1 << (3 * size)); mask++) {
          List<WorkerPod> pods = new ArrayList<>();
          for (int i = 0; i < size; i++) {
            int bits = (mask >> (3 * i)) & 7;
            String rev = (bits & 1) == 1 ? NEW : OLD;
            boolean ready = (bits & 2) == 2;
            boolean full = (bits & 4) == 4;
            pods.add(ready ? busy("p" + i, rev, full ? 4 : 0, full) : pod("p" + i, rev, false, i));
          }
          pods.add(terminating("t", OLD));
          for (int desired = 0; desired <= 4; desired++) {
            checkOnePlan(strategy, pods, desired);
            converges(strategy, pods, desired);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(3 * 5 * (1 + 8 + 64 + 512 + 4096 + 32768));
  }

  private static void checkOnePlan(Strategy strategy, List<WorkerPod> pods, int desired) {
    RolloutPlan plan = RolloutPlanner.plan(input(desired, pods, strategy));
    long availableBefore = pods.stream().filter(WorkerPod::available).count();
    // Draining old workers never takes the available workers below what is wanted. (Surplus
    // new workers in a scale-down go job-aware, idle first, even if the rest are full.)
    long availableAfter =
        pods.stream()
            .filter(WorkerPod::available)
            .filter(p -> p.revision().equals(NEW) || !plan.remove().contains(p))
            .count();
    long liveBefore = pods.stream().filter(WorkerPod::live).count();
    long liveAfter =
        pods.stream().filter(WorkerPod::live).filter(p -> !plan.remove().contains(p)).count()
            + plan.create();
    int surge =
        Surge.resolve(
            strategy.getRollingUpdate() == null ? null : strategy.getRollingUpdate().getMaxSurge(),
            desired);
    assertThat(availableAfter)
        .as("capacity %s", pods)
        .isGreaterThanOrEqualTo(Math.min(desired, availableBefore));
    assertThat(liveAfter)
        .as("surge %s", pods)
        .isLessThanOrEqualTo(Math.max(liveBefore, desired + surge));
    assertThat(plan.remove()).noneMatch(WorkerPod::terminating).doesNotHaveDuplicates();
  }

  /** Apply plans, making created pods ready and removed ones gone, until it completes. */
  private static void converges(Strategy strategy, List<WorkerPod> start, int desired) {
    List<WorkerPod> pods = new ArrayList<>(start.stream().filter(p -> !p.terminating()).toList());
    RolloutState state = null;
    Instant now = T0;
    for (int round = 0; round < 40; round++) {
      RolloutPlan plan =
          RolloutPlanner.plan(
              new RolloutInput(
                  desired, NEW, pods, strategy, state, false, null, DEADLINE, false, now));
      if (plan.phase() == RolloutPhase.Completed) {
        assertThat(
                pods.stream().filter(WorkerPod::live).filter(p -> p.revision().equals(NEW)).count())
            .isEqualTo(desired);
        assertThat(pods.stream().filter(WorkerPod::live).filter(p -> p.revision().equals(OLD)))
            .isEmpty();
        return;
      }
      pods.removeAll(plan.remove());
      // calls end over time: every ready worker becomes idle; new pods become ready
      pods.replaceAll(p -> p.ready() ? busy(p.name(), p.revision(), 0, false) : p);
      for (int i = 0; i < plan.create(); i++) {
        pods.add(busy("n" + round + "-" + i, NEW, 0, false));
      }
      pods.replaceAll(
          p -> !p.ready() && p.revision().equals(NEW) ? busy(p.name(), NEW, 0, false) : p);
      state = plan.state();
      now = now.plusSeconds(5);
    }
    throw new AssertionError(
        "did not converge from "
            + start
            + " to "
            + desired
            + " with "
            + strategy.getType()
            + ": "
            + pods);
  }

  // ---- canary

  @Test
  void canaryMovesByWeightPausesAndWaitsForPromote() {
    Strategy s =
        canary(
            CanaryStep.weight(25),
            CanaryStep.pause(60),
            CanaryStep.weight(50),
            CanaryStep.pause(null));
    List<WorkerPod> pods = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pods.add(busy("o" + i, OLD, 0, false));
    }
    RolloutPlan p1 = RolloutPlanner.plan(input(4, pods, s));
    assertThat(p1.weight()).isEqualTo(25);
    assertThat(p1.create()).isEqualTo(1);
    assertThat(p1.remove()).isEmpty();

    pods.add(busy("n0", NEW, 0, false));
    RolloutPlan p2 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p1.state(), false, null, DEADLINE, false, T0.plusSeconds(10)));
    assertThat(p2.create()).isZero();
    assertThat(p2.remove()).hasSize(1);
    pods.removeAll(p2.remove());

    // 1 new + 3 old: step 0 is done, the timed pause runs
    RolloutPlan p3 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p2.state(), false, null, DEADLINE, false, T0.plusSeconds(20)));
    assertThat(p3.stepCompleted()).isTrue();
    assertThat(p3.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(p3.state().step()).isEqualTo(1);
    assertThat(p3.message()).contains("for 60s more");
    RolloutPlan p4 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p3.state(), false, null, DEADLINE, false, T0.plusSeconds(50)));
    assertThat(p4.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(p4.create()).isZero();

    // after 60 s the pause ends and the weight goes to 50%
    RolloutPlan p5 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p4.state(), false, null, DEADLINE, false, T0.plusSeconds(81)));
    assertThat(p5.state().step()).isEqualTo(2);
    assertThat(p5.weight()).isEqualTo(50);
    assertThat(p5.create()).isEqualTo(1);
    pods.add(busy("n1", NEW, 0, false));
    RolloutPlan p6 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p5.state(), false, null, DEADLINE, false, T0.plusSeconds(90)));
    pods.removeAll(p6.remove());
    assertThat(pods.stream().filter(p -> p.revision().equals(OLD))).hasSize(2);

    // untimed pause: stays until the promote annotation changes
    RolloutPlan p7 =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p6.state(), false, null, DEADLINE, false, T0.plusSeconds(100)));
    assertThat(p7.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(p7.message()).contains("rollout promote");
    RolloutPlan stillPaused =
        RolloutPlanner.plan(
            new RolloutInput(
                4, NEW, pods, s, p7.state(), false, null, DEADLINE, false, T0.plusSeconds(5000)));
    assertThat(stillPaused.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(stillPaused.deadlineExceeded()).isFalse();
    RolloutPlan promoted =
        RolloutPlanner.plan(
            new RolloutInput(
                4,
                NEW,
                pods,
                s,
                p7.state(),
                false,
                "2026-05-01T12:02:00Z",
                DEADLINE,
                false,
                T0.plusSeconds(120)));
    assertThat(promoted.weight()).isEqualTo(100);
    assertThat(promoted.state().promoted()).isEqualTo("2026-05-01T12:02:00Z");
    assertThat(promoted.create()).isPositive();
    // the same annotation value does not promote twice
    RolloutPlan again =
        RolloutPlanner.plan(
            new RolloutInput(
                4,
                NEW,
                pods,
                s,
                promoted.state(),
                false,
                "2026-05-01T12:02:00Z",
                DEADLINE,
                false,
                T0.plusSeconds(121)));
    assertThat(again.state().step()).isEqualTo(promoted.state().step());
  }

  @Test
  void canaryWeightSplitsTheAutoscalersCount() {
    Strategy s = canary(CanaryStep.weight(10), CanaryStep.pause(null));
    List<WorkerPod> old = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      old.add(busy("o" + i, OLD, 0, false));
    }
    assertThat(RolloutPlanner.plan(input(20, old, s)).create()).isEqualTo(2);
    assertThat(RolloutPlanner.share(20, 10)).isEqualTo(2);
    assertThat(RolloutPlanner.share(3, 10)).isEqualTo(1);
    assertThat(RolloutPlanner.share(3, 0)).isZero();
  }

  @Test
  void aNewTemplateRestartsTheSteps() {
    Strategy s = canary(CanaryStep.weight(50), CanaryStep.pause(null));
    RolloutState elsewhere = new RolloutState("older", 1, T0, T0, T0, 2, "x");
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutInput(
                2,
                NEW,
                List.of(busy("o1", OLD, 0, false), busy("o2", OLD, 0, false)),
                s,
                elsewhere,
                false,
                "x",
                DEADLINE,
                false,
                T0));
    assertThat(plan.state().step()).isZero();
    assertThat(plan.state().revision()).isEqualTo(NEW);
  }

  // ---- pause, deadline, blocked

  @Test
  void specPausedHoldsEverythingButFinishedPodsAndStopsTheDeadlineClock() {
    List<WorkerPod> pods = List.of(busy("o1", OLD, 0, false), finished("f", OLD));
    RolloutState stale =
        new RolloutState(
            NEW, 0, T0.minusSeconds(5000), T0.minusSeconds(5000), T0.minusSeconds(5000), 0, null);
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutInput(3, NEW, pods, null, stale, true, null, DEADLINE, false, T0));
    assertThat(plan.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(plan.create()).isZero();
    assertThat(names(plan.remove())).containsExactly("f");
    assertThat(plan.state().progressedAt()).as("clock stopped").isNull();
  }

  @Test
  void noProgressWithinTheDeadlineFails() {
    List<WorkerPod> pods = List.of(busy("o1", OLD, 0, false), pod("n1", NEW, false, 1));
    RolloutState started = new RolloutState(NEW, 0, T0, T0, T0, 0, null);
    RolloutPlan before =
        RolloutPlanner.plan(
            new RolloutInput(
                1, NEW, pods, null, started, false, null, DEADLINE, false, T0.plusSeconds(600)));
    assertThat(before.phase()).isEqualTo(RolloutPhase.Progressing);
    RolloutPlan after =
        RolloutPlanner.plan(
            new RolloutInput(
                1, NEW, pods, null, started, false, null, DEADLINE, false, T0.plusSeconds(601)));
    assertThat(after.phase()).isEqualTo(RolloutPhase.Failed);
    assertThat(after.deadlineExceeded()).isTrue();
    assertThat(after.message()).startsWith("no progress for 600s");
  }

  @Test
  void aNewWorkerBecomingAvailableCountsAsProgress() {
    List<WorkerPod> pods =
        List.of(
            busy("o1", OLD, 2, true),
            busy("o2", OLD, 2, true),
            busy("n1", NEW, 0, false),
            pod("n2", NEW, false, 1));
    RolloutState started = new RolloutState(NEW, 0, T0, T0, T0, 0, null);
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutInput(
                2, NEW, pods, null, started, false, null, DEADLINE, false, T0.plusSeconds(700)));
    assertThat(plan.deadlineExceeded()).isFalse();
    assertThat(plan.state().progressedAt()).isEqualTo(T0.plusSeconds(700));
  }

  @Test
  void aRolledBackTemplateIsNotRolledForwardAgain() {
    List<WorkerPod> pods = List.of(busy("o1", OLD, 0, false), busy("o2", OLD, 0, false));
    RolloutPlan plan =
        RolloutPlanner.plan(
            new RolloutInput(2, NEW, pods, null, null, false, null, DEADLINE, true, T0));
    assertThat(plan.phase()).isEqualTo(RolloutPhase.RolledBack);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(plan.message()).contains("rolled back");
  }
}
