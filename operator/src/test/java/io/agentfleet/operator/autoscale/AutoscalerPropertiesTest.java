package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WarmBuffer;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.autoscale.ScalingHistory.ScaleChange;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The autoscaler's promises over generated policies and fleets, where the table-driven {@link
 * AutoscalerTest} shows single cases: bounds hold, unknown status and a fresh start never shrink
 * the fleet, more demand never means fewer workers, draining workers change nothing, rate limits
 * hold, and the warm buffer is kept. Each property runs over {@value #CASES} cases drawn from a
 * fixed seed, so a failure names a case that reproduces.
 */
class AutoscalerPropertiesTest {
  static final Instant NOW = AutoscalerTest.T0;
  static final int CASES = 2000;
  static final long SEED = 20261125L;

  /** One generated situation; its toString is what a failure prints. */
  record Case(ScalingPolicy policy, List<WorkerPod> fleet, int expected, Random random) {
    @Override
    public String toString() {
      return "policy="
          + policy
          + " calls="
          + fleet.stream().map(w -> w.activeJobs() + "@" + w.report().load()).toList()
          + " expected="
          + expected;
    }
  }

  static void forAll(Consumer<Case> property) {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      Case c = new Case(policy(random), fleet(random), random.nextInt(21), random);
      try {
        property.accept(c);
      } catch (AssertionError e) {
        throw new AssertionError("case " + i + " (seed " + SEED + "): " + c, e);
      }
    }
  }

  /** A policy without windows or rate limits, so one decision shows the raw answer. */
  static ScalingPolicy policy(Random r) {
    int min = r.nextInt(6);
    return new ScalingPolicy(
        min,
        min + r.nextInt(16),
        0.1 + r.nextInt(91) / 100.0,
        r.nextInt(9), // 0: by load
        r.nextInt(4),
        r.nextBoolean() ? WarmBuffer.FIXED : WarmBuffer.MEASURED,
        new double[] {0.0, 0.1, 0.2}[r.nextInt(3)],
        Duration.ofSeconds(120),
        Duration.ZERO,
        0,
        Duration.ZERO,
        0,
        List.of(),
        Duration.ZERO,
        0);
  }

  /** Up to 12 reporting, serving workers: ours with a load, or Python/Node ones with calls only. */
  static List<WorkerPod> fleet(Random r) {
    List<WorkerPod> fleet = new ArrayList<>();
    int size = r.nextInt(13);
    for (int i = 0; i < size; i++) {
      boolean ours = r.nextBoolean();
      fleet.add(
          new WorkerPod(
              "w" + i,
              "r1",
              true,
              false,
              false,
              NOW.minusSeconds(600),
              new WorkerReport(
                  r.nextInt(11),
                  ours ? r.nextInt(101) / 100.0 : null,
                  false,
                  false,
                  10,
                  null,
                  null,
                  ours ? WorkerStatusFormat.AGENTFLEET : WorkerStatusFormat.LIVEKIT_AGENTS)));
    }
    return fleet;
  }

  @Test
  void theAnswerStaysWithinMinAndMax() {
    forAll(
        c ->
            assertThat(decide(c.policy(), c.fleet().size(), c.fleet(), c.expected(), none()))
                .isBetween(c.policy().minReplicas(), c.policy().maxReplicas()));
  }

  @Test
  void aWorkerThatDoesNotReportPreventsAnyScaleDown() {
    forAll(
        c -> {
          List<WorkerPod> withSilent = new ArrayList<>(c.fleet());
          withSilent.add(
              new WorkerPod("silent", "r1", true, false, false, NOW.minusSeconds(600), null));

          assertThat(decide(c.policy(), withSilent.size(), withSilent, 0, none()))
              .isGreaterThanOrEqualTo(withSilent.size());
        });
  }

  @Test
  void withoutMemoryTheScaleDownWindowStartsNow() {
    forAll(
        c -> {
          ScalingPolicy policy =
              withDownWindow(c.policy(), Duration.ofSeconds(1 + c.random().nextInt(600)));

          assertThat(decide(policy, c.fleet().size(), c.fleet(), 0, none()))
              .isGreaterThanOrEqualTo(Math.min(c.fleet().size(), policy.maxReplicas()));
        });
  }

  @Test
  void moreCallsNeverMeanFewerWorkers() {
    forAll(
        c -> {
          int more = 1 + c.random().nextInt(20);
          int before = decide(c.policy(), c.fleet().size(), c.fleet(), c.expected(), none());
          int after = decide(c.policy(), c.fleet().size(), c.fleet(), c.expected() + more, none());

          assertThat(after).isGreaterThanOrEqualTo(before);
        });
  }

  @Test
  void drainingAndTerminatingWorkersAreNeitherCapacityNorDemand() {
    forAll(
        c -> {
          List<WorkerPod> withLeaving = new ArrayList<>(c.fleet());
          withLeaving.add(
              new WorkerPod(
                  "leaving",
                  "r0",
                  true,
                  c.random().nextBoolean(),
                  false,
                  NOW.minusSeconds(600),
                  new WorkerReport(
                      c.random().nextInt(11),
                      1.0,
                      true,
                      true,
                      10,
                      null,
                      null,
                      WorkerStatusFormat.AGENTFLEET)));

          assertThat(decide(c.policy(), c.fleet().size(), withLeaving, 0, none()))
              .isEqualTo(decide(c.policy(), c.fleet().size(), c.fleet(), 0, none()));
        });
  }

  @Test
  void theRateLimitBoundsEveryMinute() {
    forAll(
        c -> {
          int perMinute = 1 + c.random().nextInt(3);
          int addedThisMinute = c.random().nextInt(4);
          int current = c.random().nextInt(13);
          ScalingPolicy policy = withRates(c.policy(), perMinute);
          ScalingHistory history =
              new ScalingHistory(
                  List.of(),
                  addedThisMinute == 0
                      ? List.of()
                      : List.of(new ScaleChange(NOW.minusSeconds(20), 0, addedThisMinute)));

          int replicas = decide(policy, current, c.fleet(), c.expected(), history);

          if (replicas > current) {
            assertThat(replicas - current)
                .isLessThanOrEqualTo(Math.max(0, perMinute - addedThisMinute));
          }
          assertThat(current - replicas).isLessThanOrEqualTo(perMinute);
        });
  }

  @Test
  void byCallsTheWarmBufferIsKeptOnTopOfTheCalls() {
    forAll(
        c -> {
          int perWorker = 1 + c.random().nextInt(8);
          ScalingPolicy policy = byCalls(c.policy(), perWorker);
          int calls = c.fleet().stream().mapToInt(WorkerPod::activeJobs).sum();
          int wanted = (int) Math.ceil(calls / (double) perWorker) + policy.idleWorkers();

          assertThat(decide(policy, c.fleet().size(), c.fleet(), 0, none()))
              .isEqualTo(Math.min(policy.maxReplicas(), Math.max(policy.minReplicas(), wanted)));
        });
  }

  // ---- fixtures

  static int decide(
      ScalingPolicy policy,
      int current,
      List<WorkerPod> workers,
      int expected,
      ScalingHistory history) {
    return Autoscaler.decide(policy, new FleetSample(current, workers, expected), history, NOW)
        .replicas();
  }

  static ScalingHistory none() {
    return ScalingHistory.empty();
  }

  static ScalingPolicy withDownWindow(ScalingPolicy p, Duration window) {
    return adjusted(p, p.jobsPerWorker(), p.tolerance(), 0, window);
  }

  static ScalingPolicy withRates(ScalingPolicy p, int perMinute) {
    return adjusted(p, p.jobsPerWorker(), p.tolerance(), perMinute, p.downWindow());
  }

  static ScalingPolicy byCalls(ScalingPolicy p, int perWorker) {
    return adjusted(p, perWorker, 0.0, 0, p.downWindow());
  }

  /** A copy with the fields the properties vary; rates apply both ways. */
  static ScalingPolicy adjusted(
      ScalingPolicy p, int jobsPerWorker, double tolerance, int perMinute, Duration downWindow) {
    return new ScalingPolicy(
        p.minReplicas(),
        p.maxReplicas(),
        p.targetLoad(),
        jobsPerWorker,
        p.idleWorkers(),
        p.warmBuffer(),
        tolerance,
        p.startupAllowance(),
        p.upWindow(),
        perMinute,
        downWindow,
        perMinute,
        p.schedules(),
        p.learnedPeriod(),
        p.learnedPeriods());
  }
}
