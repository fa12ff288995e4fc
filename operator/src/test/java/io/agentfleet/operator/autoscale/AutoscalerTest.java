package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.LearnedSchedule;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.api.v1alpha1.ScalingSchedule;
import io.agentfleet.api.v1alpha1.WarmBuffer;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.autoscale.ScaleDecision.Limit;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerTest {

  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  // ---- fixtures

  static Autoscaling spec(Consumer<Autoscaling> change) {
    Autoscaling a = new Autoscaling();
    a.setEnabled(true);
    a.setMinReplicas(1);
    a.setMaxReplicas(20);
    a.setTargetLoad(0.5);
    a.setIdleWorkers(0);
    a.setTolerance(0.0);
    a.setScaleUp(new ScalingRules(0, 0));
    a.setScaleDown(new ScalingRules(0, 0));
    change.accept(a);
    return a;
  }

  static WorkerPod worker(String name, double load, int calls) {
    return new WorkerPod(
        name,
        "r1",
        true,
        false,
        false,
        T0.minusSeconds(600),
        new WorkerReport(
            calls, load, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod full(String name, int calls) {
    return new WorkerPod(
        name,
        "r1",
        true,
        false,
        false,
        T0.minusSeconds(600),
        new WorkerReport(calls, 1.0, true, false, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod draining(String name, int calls) {
    return new WorkerPod(
        name,
        "r1",
        true,
        false,
        false,
        T0.minusSeconds(600),
        new WorkerReport(calls, 1.0, true, true, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod silent(String name) {
    return new WorkerPod(name, "r1", true, false, false, T0.minusSeconds(600), null);
  }

  static WorkerPod starting(String name, long ageSeconds) {
    return new WorkerPod(name, "r1", false, false, false, T0.minusSeconds(ageSeconds), null);
  }

  static WorkerPod startingAt(String name, Instant created) {
    return new WorkerPod(name, "r1", false, false, false, created, null);
  }

  static WorkerPod reportingSince(String name, Instant created) {
    return new WorkerPod(
        name,
        "r1",
        true,
        false,
        false,
        created,
        new WorkerReport(0, 0.0, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod terminating(String name, int calls) {
    return new WorkerPod(
        name,
        "r1",
        true,
        true,
        false,
        T0.minusSeconds(600),
        new WorkerReport(calls, 1.0, true, true, null, null, null, WorkerStatusFormat.AGENTFLEET));
  }

  static WorkerPod node(String name, int calls) {
    return new WorkerPod(
        name,
        "r1",
        true,
        false,
        false,
        T0.minusSeconds(600),
        new WorkerReport(
            calls, null, false, false, null, null, null, WorkerStatusFormat.LIVEKIT_AGENTS));
  }

  static ScaleDecision decide(Autoscaling a, int current, List<WorkerPod> workers) {
    return decide(a, current, workers, 0, ScalingHistory.empty(), T0);
  }

  static ScaleDecision decide(
      Autoscaling a,
      int current,
      List<WorkerPod> workers,
      int expected,
      ScalingHistory h,
      Instant now) {
    return Autoscaler.decide(
        ScalingPolicy.from(a), new FleetSample(current, workers, expected), h, now);
  }

  // ---- demand, buffer, bounds

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(
            "load 0.8 over 3 workers at target 0.5 -> 5",
            spec(a -> {}),
            3,
            List.of(worker("a", 0.8, 2), worker("b", 0.8, 2), worker("c", 0.8, 2)),
            5,
            Limit.NONE),
        Arguments.of(
            "idle fleet shrinks to the minimum",
            spec(a -> {}),
            4,
            List.of(worker("a", 0, 0), worker("b", 0, 0), worker("c", 0, 0), worker("d", 0, 0)),
            1,
            Limit.MIN),
        Arguments.of(
            "warm buffer adds idle workers on top of demand",
            spec(a -> a.setIdleWorkers(2)),
            2,
            List.of(worker("a", 0.5, 1), worker("b", 0.5, 1)),
            4,
            Limit.NONE),
        Arguments.of(
            "by calls: 9 calls at 4 per worker -> 3",
            spec(a -> a.setJobsPerWorker(4)),
            1,
            List.of(worker("a", 0.9, 9)),
            3,
            Limit.NONE),
        Arguments.of(
            "capped at maxReplicas",
            spec(a -> a.setMaxReplicas(4)),
            3,
            List.of(worker("a", 1, 3), worker("b", 1, 3), worker("c", 1, 3)),
            4,
            Limit.MAX),
        Arguments.of(
            "tolerance keeps the size inside the band",
            spec(a -> a.setTolerance(0.1)),
            4,
            List.of(
                worker("a", 0.52, 1),
                worker("b", 0.52, 1),
                worker("c", 0.52, 1),
                worker("d", 0.52, 1)),
            4,
            Limit.NONE),
        Arguments.of(
            "by calls the band holds against shrinking",
            spec(
                a -> {
                  a.setTolerance(0.1);
                  a.setJobsPerWorker(10);
                }),
            4,
            List.of(
                worker("a", 0.5, 10),
                worker("b", 0.5, 9),
                worker("c", 0.5, 9),
                worker("d", 0.5, 9)),
            4,
            Limit.NONE),
        Arguments.of(
            "by calls the band never holds against growing: 41 calls need 5 workers",
            spec(
                a -> {
                  a.setTolerance(0.1);
                  a.setJobsPerWorker(10);
                }),
            4,
            List.of(
                worker("a", 0.5, 11),
                worker("b", 0.5, 10),
                worker("c", 0.5, 10),
                worker("d", 0.5, 10)),
            5,
            Limit.NONE),
        Arguments.of(
            "outside the band it moves",
            spec(a -> a.setTolerance(0.1)),
            4,
            List.of(
                worker("a", 0.7, 1), worker("b", 0.7, 1), worker("c", 0.7, 1), worker("d", 0.7, 1)),
            6,
            Limit.NONE),
        Arguments.of(
            "draining and terminating workers are neither capacity nor demand",
            spec(a -> {}),
            2,
            List.of(worker("a", 0.5, 1), draining("b", 3), terminating("c", 5)),
            1,
            Limit.NONE),
        Arguments.of(
            "full workers count at load 1",
            spec(a -> {}),
            2,
            List.of(full("a", 4), full("b", 4)),
            4,
            Limit.NONE),
        Arguments.of(
            "Node workers without load are charged by calls",
            spec(a -> {}),
            2,
            List.of(node("a", 1), node("b", 0)),
            2,
            Limit.NONE),
        Arguments.of(
            "a worker starting within the allowance counts as coming capacity",
            spec(a -> a.setIdleWorkers(1)),
            2,
            List.of(worker("a", 0.5, 1), starting("b", 30)),
            2,
            Limit.NONE),
        Arguments.of(
            "a worker stuck past the allowance does not block scale-up",
            spec(a -> a.setIdleWorkers(1)),
            2,
            List.of(worker("a", 0.5, 1), starting("b", 600)),
            3,
            Limit.NONE),
        Arguments.of(
            "no reports yet: just the minimum and the buffer",
            spec(a -> a.setIdleWorkers(1)),
            1,
            List.of(starting("a", 10)),
            1,
            Limit.NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(
      String description,
      Autoscaling a,
      int current,
      List<WorkerPod> workers,
      int want,
      Limit limit) {
    ScaleDecision d = decide(a, current, workers);
    assertThat(d.replicas()).as(description + ": " + d.reason()).isEqualTo(want);
    assertThat(d.limit()).as(description + ": " + d.reason()).isEqualTo(limit);
  }

  @Test
  void aCallAnnouncedByWebhookNeverLowersAnAnswerHeldByTheToleranceBand() {
    // 44 calls at 6 a worker: 7.33 workers, within 20% of the 9 carrying, so 9 + 1 idle are kept.
    Autoscaling a =
        spec(
            s -> {
              s.setJobsPerWorker(6);
              s.setIdleWorkers(1);
              s.setTolerance(0.2);
              s.setMinReplicas(5);
              s.setMaxReplicas(10);
            });
    List<WorkerPod> fleet = new ArrayList<>();
    int[] calls = {0, 1, 5, 7, 6, 6, 4, 7, 2, 6};
    for (int i = 0; i < calls.length; i++) {
      fleet.add(worker("w" + i, 0.5, calls[i]));
    }

    assertThat(decide(a, 10, fleet).replicas()).isEqualTo(10);
    // Found by AutoscalerPropertiesTest: one expected call used to leave the band and give 9.
    assertThat(decide(a, 10, fleet, 1, ScalingHistory.empty(), T0).replicas()).isEqualTo(10);
  }

  @Test
  void aMeasuredWarmBufferHoldsTheCallsThatArriveWhileAWorkerStarts() {
    Autoscaling a =
        spec(
            x -> {
              x.setJobsPerWorker(10);
              x.setIdleWorkers(1);
              x.setWarmBuffer(WarmBuffer.MEASURED);
            });
    // A worker created at T0 reports 20 s later: the fleet's start-up is 20 s.
    ScalingHistory h = ScalingHistory.empty();
    h = decide(a, 2, List.of(worker("w1", 0.1, 1), startingAt("w2", T0)), 0, h, T0).history();
    // Calls climb from 1 to 31 within the 20 s.
    for (int s = 1; s <= 20; s++) {
      int calls = 1 + (s * 30) / 20;
      List<WorkerPod> fleet =
          s < 20
              ? List.of(worker("w1", 0.1, calls), startingAt("w2", T0))
              : List.of(worker("w1", 0.1, calls), reportingSince("w2", T0));
      h = decide(a, 2, fleet, 0, h, T0.plusSeconds(s)).history();
    }
    assertThat(h.traffic().startup()).contains(Duration.ofSeconds(20));
    // 31 calls need 4 workers, which leave 9 slots free; room for 36 calls (a rise of 30, plus
    // its square root) needs 3 workers more.
    ScaleDecision d =
        decide(
            a,
            2,
            List.of(worker("w1", 0.1, 31), reportingSince("w2", T0)),
            0,
            h,
            T0.plusSeconds(21));
    assertThat(d.replicas()).isEqualTo(7);
    assertThat(d.reason()).contains("+ 3 spare for 36 calls (a rise of 30) in a 20 s start-up");

    // Fixed: the one idle worker only.
    a.setWarmBuffer(WarmBuffer.FIXED);
    assertThat(
            decide(
                    a,
                    2,
                    List.of(worker("w1", 0.1, 31), reportingSince("w2", T0)),
                    0,
                    h,
                    T0.plusSeconds(21))
                .replicas())
        .isEqualTo(5);
  }

  @Test
  void aMeasuredWarmBufferIsNeverBelowIdleWorkersAndQuietTrafficNeedsNoMore() {
    Autoscaling a =
        spec(
            x -> {
              x.setJobsPerWorker(10);
              x.setIdleWorkers(2);
              x.setWarmBuffer(WarmBuffer.MEASURED);
            });
    ScalingHistory h = ScalingHistory.empty();
    for (int s = 0; s < 30; s++) {
      h = decide(a, 3, List.of(worker("w1", 0.5, 5)), 0, h, T0.plusSeconds(s)).history();
    }
    ScaleDecision d = decide(a, 3, List.of(worker("w1", 0.5, 5)), 0, h, T0.plusSeconds(30));
    assertThat(d.replicas()).isEqualTo(3);
    assertThat(d.reason()).contains("+ 2 idle");
  }

  @Test
  void reasonSaysWhyInWords() {
    ScaleDecision d =
        decide(
            spec(a -> {}),
            3,
            List.of(worker("a", 0.82, 2), worker("b", 0.82, 2), worker("c", 0.82, 2)));
    assertThat(d.reason()).isEqualTo("load 0.82 > target 0.50 over 3 workers → 5");
  }

  // ---- unknown status

  @Test
  void aSilentWorkerNeverLetsTheFleetShrink() {
    ScaleDecision d =
        decide(
            spec(a -> {}),
            4,
            List.of(worker("a", 0, 0), worker("b", 0, 0), worker("c", 0, 0), silent("d")));
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.limit()).isEqualTo(Limit.UNKNOWN_STATUS);
    assertThat(d.reason()).contains("not reporting");
  }

  @Test
  void aSilentWorkerStillLetsTheFleetGrow() {
    ScaleDecision d =
        decide(spec(a -> {}), 3, List.of(worker("a", 1, 3), worker("b", 1, 3), silent("c")));
    assertThat(d.replicas()).isEqualTo(5);
  }

  @Test
  void noRunawayWhileStartsAreStuck() {
    Autoscaling a = spec(x -> x.setIdleWorkers(1));
    List<WorkerPod> fleet = new ArrayList<>(List.of(worker("a", 0.0, 0), starting("s1", 600)));
    ScaleDecision first = decide(a, 2, fleet);
    assertThat(first.replicas()).isEqualTo(2);
    fleet.add(starting("s2", 600));
    ScaleDecision second = decide(a, 3, fleet);
    assertThat(second.replicas()).isEqualTo(3);
  }

  // ---- webhooks

  @Test
  void expectedCallsLiftDemandBeforeLoadShowsThem() {
    ScaleDecision quiet = decide(spec(a -> a.setJobsPerWorker(2)), 1, List.of(worker("a", 0, 0)));
    assertThat(quiet.replicas()).isEqualTo(1);
    ScaleDecision announced =
        decide(
            spec(a -> a.setJobsPerWorker(2)),
            1,
            List.of(worker("a", 0, 0)),
            5,
            ScalingHistory.empty(),
            T0);
    assertThat(announced.replicas()).isEqualTo(3);
    assertThat(announced.reason()).contains("5 expected from webhooks");
  }

  @Test
  void expectedCallsInLoadModeCostTheObservedLoadPerCall() {
    // 2 calls cost 0.4 -> 0.2 per call; 3 more expected -> 1.0 total -> 2 workers at 0.5
    ScaleDecision d =
        decide(spec(a -> {}), 1, List.of(worker("a", 0.4, 2)), 3, ScalingHistory.empty(), T0);
    assertThat(d.replicas()).isEqualTo(2);
  }

  // ---- dispatches waiting for a worker, LiveKit unreachable: no scale-down

  static Autoscaling fivePerWorkerNoIdleNoWindow() {
    return spec(
        x -> {
          x.setJobsPerWorker(5);
          x.setIdleWorkers(0);
          x.setScaleDown(new ScalingRules(0, 0));
        });
  }

  static List<WorkerPod> threeIdle() {
    return List.of(worker("a", 0, 0), worker("b", 0, 0), worker("c", 0, 0));
  }

  static ScaleDecision decide(Autoscaling a, FleetSample sample) {
    return Autoscaler.decide(ScalingPolicy.from(a), sample, ScalingHistory.empty(), T0);
  }

  @Test
  void waitingDispatchesAreDemandAndNeverLetTheFleetShrink() {
    Autoscaling a = fivePerWorkerNoIdleNoWindow();
    List<WorkerPod> idle = threeIdle();
    ScaleDecision withoutWaiting = decide(a, new FleetSample(3, idle, 0, 0));
    assertThat(withoutWaiting.replicas()).isEqualTo(1);

    ScaleDecision oneWaits = decide(a, new FleetSample(3, idle, 0, 1));
    assertThat(oneWaits.replicas()).isEqualTo(3);
    assertThat(oneWaits.limit()).isEqualTo(Limit.WAITING_DISPATCHES);
    assertThat(oneWaits.reason())
        .contains("1 dispatches waiting for a worker", "a dispatch waits for a worker");

    // 12 calls on full workers plus 9 waiting at 5 per worker: 21 / 5 -> 5 workers.
    List<WorkerPod> full = List.of(worker("a", 1.0, 6), worker("b", 1.0, 6));
    ScaleDecision grows = decide(a, new FleetSample(2, full, 0, 9));
    assertThat(grows.replicas()).isEqualTo(5);
  }

  @Test
  void waitingDispatchesDoNotHoldAFleetAboveALoweredMax() {
    Autoscaling a =
        spec(
            x -> {
              x.setJobsPerWorker(5);
              x.setMaxReplicas(2);
              x.setScaleDown(new ScalingRules(0, 0));
            });
    List<WorkerPod> idle =
        List.of(worker("a", 0, 0), worker("b", 0, 0), worker("c", 0, 0), worker("d", 0, 0));
    ScaleDecision d = decide(a, new FleetSample(4, idle, 0, 2));
    assertThat(d.replicas()).isEqualTo(2);
  }

  @Test
  void whileLiveKitIsUnreachableTheFleetDoesNotShrinkButMayGrow() {
    Autoscaling a = fivePerWorkerNoIdleNoWindow();
    List<WorkerPod> idle = threeIdle();
    ScaleDecision held = decide(a, new FleetSample(3, idle, 0, 0, true));
    assertThat(held.replicas()).isEqualTo(3);
    assertThat(held.limit()).isEqualTo(Limit.LIVEKIT_UNREACHABLE);
    assertThat(held.reason()).contains("LiveKit unreachable");

    // The calls the workers still carry are demand like any other.
    List<WorkerPod> full = List.of(worker("a", 1.0, 6), worker("b", 1.0, 6));
    ScaleDecision grows = decide(a, new FleetSample(2, full, 0, 0, true));
    assertThat(grows.replicas()).isEqualTo(3);
  }

  // ---- stabilization (HPA semantics)

  @Test
  void scaleDownWaitsForTheWholeWindowAndTakesTheHighestRecommendation() {
    Autoscaling a = spec(x -> x.setScaleDown(new ScalingRules(300, 0)));
    List<WorkerPod> busy =
        List.of(worker("a", 1, 2), worker("b", 1, 2), worker("c", 1, 2), worker("d", 1, 2));
    ScaleDecision high = decide(a, 4, busy, 0, ScalingHistory.empty(), T0);
    assertThat(high.replicas()).isEqualTo(8);

    List<WorkerPod> quieter =
        List.of(worker("a", 0.5, 1), worker("b", 0.5, 1), worker("c", 0.5, 1), worker("d", 0.5, 1));
    ScaleDecision t100 = decide(a, 8, quieter, 0, high.history(), T0.plusSeconds(100));
    assertThat(t100.replicas()).as(t100.reason()).isEqualTo(8);
    assertThat(t100.limit()).isEqualTo(Limit.STABILIZATION);

    List<WorkerPod> idle = List.of(worker("a", 0, 0), worker("b", 0, 0));
    ScaleDecision t200 = decide(a, 8, idle, 0, t100.history(), T0.plusSeconds(200));
    assertThat(t200.replicas()).isEqualTo(8);
    // the 8 from T0 leaves the window; the highest left is t100's 4
    ScaleDecision t301 = decide(a, 8, idle, 0, t200.history(), T0.plusSeconds(301));
    assertThat(t301.replicas()).as(t301.reason()).isEqualTo(4);
    ScaleDecision t401 = decide(a, 4, idle, 0, t301.history(), T0.plusSeconds(401));
    assertThat(t401.replicas()).isEqualTo(1);
  }

  @Test
  void scaleUpWindowTakesTheLowestRecommendation() {
    Autoscaling a = spec(x -> x.setScaleUp(new ScalingRules(60, 0)));
    ScaleDecision t0 =
        decide(
            a, 2, List.of(worker("a", 0.5, 1), worker("b", 0.5, 1)), 0, ScalingHistory.empty(), T0);
    assertThat(t0.replicas()).isEqualTo(2);
    ScaleDecision spike =
        decide(
            a,
            2,
            List.of(worker("a", 1, 3), worker("b", 1, 3)),
            0,
            t0.history(),
            T0.plusSeconds(10));
    assertThat(spike.replicas()).as(spike.reason()).isEqualTo(2);
    assertThat(spike.limit()).isEqualTo(Limit.STABILIZATION);
    ScaleDecision sustained =
        decide(
            a,
            2,
            List.of(worker("a", 1, 3), worker("b", 1, 3)),
            0,
            spike.history(),
            T0.plusSeconds(61));
    assertThat(sustained.replicas()).isEqualTo(4);
  }

  @Test
  void withoutMemoryTheCurrentSizeCountsAsJustRecommended() {
    Autoscaling a = spec(x -> x.setScaleDown(new ScalingRules(300, 0)));
    ScaleDecision afterRestart =
        decide(a, 6, List.of(worker("a", 0, 0)), 0, ScalingHistory.empty(), T0);
    assertThat(afterRestart.replicas()).isEqualTo(6);
    ScaleDecision later =
        decide(a, 6, List.of(worker("a", 0, 0)), 0, afterRestart.history(), T0.plusSeconds(301));
    assertThat(later.replicas()).isEqualTo(1);
  }

  // ---- rate limits

  @Test
  void scaleUpRateIsPerMinute() {
    Autoscaling a = spec(x -> x.setScaleUp(new ScalingRules(0, 3)));
    List<WorkerPod> hot =
        List.of(worker("a", 1, 3), worker("b", 1, 3), worker("c", 1, 3), worker("d", 1, 3));
    ScaleDecision first = decide(a, 4, hot, 0, ScalingHistory.empty(), T0);
    assertThat(first.replicas()).isEqualTo(7);
    assertThat(first.limit()).isEqualTo(Limit.RATE);
    ScaleDecision again = decide(a, 7, hot, 0, first.history(), T0.plusSeconds(30));
    assertThat(again.replicas()).isEqualTo(7);
    ScaleDecision nextMinute = decide(a, 7, hot, 0, again.history(), T0.plusSeconds(61));
    assertThat(nextMinute.replicas()).isEqualTo(8);
  }

  @Test
  void scaleDownRateIsPerMinute() {
    Autoscaling a = spec(x -> x.setScaleDown(new ScalingRules(0, 2)));
    ScaleDecision d =
        decide(
            a,
            6,
            List.of(worker("a", 0, 0)),
            0,
            new ScalingHistory(
                List.of(new ScalingHistory.Recommendation(T0.minusSeconds(1), 6)), List.of()),
            T0);
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.limit()).isEqualTo(Limit.RATE);
  }

  // ---- learned schedule

  /** Two days on which the demand needed 6 workers from 10:00 to 10:15 and 1 otherwise. */
  static ScalingHistory twoDaysOfAMorningPeak(int days) {
    DemandProfile p = DemandProfile.none().learning(Duration.ofDays(1));
    Instant midnight = Instant.parse("2026-03-02T00:00:00Z");
    for (int d = 0; d < days; d++) {
      for (int m = 0; m < 24 * 60; m++) {
        p =
            p.observe(
                midnight.plus(Duration.ofDays(d)).plus(Duration.ofMinutes(m)),
                m >= 600 && m < 615 ? 6 : 1);
      }
    }
    return ScalingHistory.empty().withProfile(p);
  }

  static Autoscaling learning(int periods) {
    return spec(
        a -> {
          a.setIdleWorkers(1);
          a.setLearnedSchedule(new LearnedSchedule(true, 1440, periods));
        });
  }

  @Test
  void aLearnedScheduleStartsTheWorkersOfADemandThatCameOnEachOfTheLastDays() {
    Instant before = Instant.parse("2026-03-04T09:59:00Z");
    List<WorkerPod> idle = List.of(worker("a", 0.0, 0), worker("b", 0.0, 0));
    ScaleDecision d = decide(learning(2), 2, idle, 0, twoDaysOfAMorningPeak(2), before);
    assertThat(d.replicas()).isEqualTo(7);
    assertThat(d.limit()).isEqualTo(Limit.LEARNED);
    assertThat(d.reason())
        .contains("raised to 7: the demand needed 6 in the next 120 s on each of the last 2");
    assertThat(d.boundByMinOrMax()).isFalse();

    // Earlier than one start-up ahead, the quiet slot's one worker and the idle one.
    ScaleDecision early =
        decide(
            learning(2),
            2,
            idle,
            0,
            twoDaysOfAMorningPeak(2),
            Instant.parse("2026-03-04T09:40:00Z"));
    assertThat(early.replicas()).isEqualTo(2);
    assertThat(early.reason()).contains("raised to 2: the demand needed 1 in the next 120 s");
  }

  @Test
  void aLearnedScheduleWaitsForAsManyDaysAsItAsksFor() {
    Instant before = Instant.parse("2026-03-03T09:59:00Z");
    List<WorkerPod> idle = List.of(worker("a", 0.0, 0), worker("b", 0.0, 0));
    assertThat(decide(learning(2), 2, idle, 0, twoDaysOfAMorningPeak(1), before).limit())
        .isNotEqualTo(Limit.LEARNED);
    assertThat(decide(learning(1), 2, idle, 0, twoDaysOfAMorningPeak(1), before).replicas())
        .isEqualTo(7);
  }

  @Test
  void aLearnedFloorBelowTheDemandChangesNothing() {
    Instant before = Instant.parse("2026-03-04T09:59:00Z");
    List<WorkerPod> busy = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      busy.add(worker("w" + i, 0.5, 5));
    }
    ScaleDecision learned = decide(learning(2), 8, busy, 0, twoDaysOfAMorningPeak(2), before);
    ScaleDecision plain =
        decide(spec(a -> a.setIdleWorkers(1)), 8, busy, 0, ScalingHistory.empty(), before);
    assertThat(learned.replicas()).isEqualTo(plain.replicas()).isEqualTo(9);
    assertThat(learned.limit()).isNotEqualTo(Limit.LEARNED);
  }

  @Test
  void eachDecisionRecordsTheWorkersItsDemandNeededOnlyWhileLearning() {
    Instant now = Instant.parse("2026-03-04T12:00:00Z");
    List<WorkerPod> fleet = List.of(worker("a", 1.0, 4), worker("b", 1.0, 4));
    ScaleDecision on = decide(learning(2), 2, fleet, 0, ScalingHistory.empty(), now);
    List<Integer> today = on.history().profile().periods().get(0).peaks();
    assertThat(today.get(48)).isEqualTo(4); // 12:00-12:15: load 2.0 / target 0.5
    ScaleDecision off =
        decide(spec(a -> a.setIdleWorkers(1)), 2, fleet, 0, ScalingHistory.empty(), now);
    assertThat(off.history().profile().learns()).isFalse();
    // Turned off: what was learned is dropped.
    assertThat(
            decide(spec(a -> a.setIdleWorkers(1)), 2, fleet, 0, on.history(), now)
                .history()
                .profile()
                .periods())
        .isEmpty();
  }

  // ---- schedules

  static Autoscaling officeHours(String zone) {
    return spec(a -> a.setSchedules(List.of(new ScalingSchedule("0 8 * * 1-5", zone, 600, 10))));
  }

  @Test
  void scheduleRaisesTheFloorOnlyWhileOpenInItsTimeZone() {
    Autoscaling a = officeHours("Europe/Berlin");
    List<WorkerPod> idle = List.of(worker("a", 0, 0));
    // Monday 2026-03-02: 08:00 Berlin is 07:00 UTC (CET, +1)
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-02T06:59:00Z"))
                .replicas())
        .isEqualTo(1);
    ScaleDecision open =
        decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-02T07:00:00Z"));
    assertThat(open.replicas()).isEqualTo(10);
    assertThat(open.limit()).isEqualTo(Limit.MIN);
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-02T16:59:00Z"))
                .replicas())
        .isEqualTo(10);
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-02T17:00:00Z"))
                .replicas())
        .isEqualTo(1);
    // Saturday stays closed
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-07T09:00:00Z"))
                .replicas())
        .isEqualTo(1);
  }

  @Test
  void scheduleFollowsDaylightSavingTime() {
    Autoscaling a = officeHours("Europe/Berlin");
    List<WorkerPod> idle = List.of(worker("a", 0, 0));
    // Monday 2026-03-30, after the switch to CEST (+2): 08:00 Berlin is 06:00 UTC
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-30T06:00:00Z"))
                .replicas())
        .isEqualTo(10);
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-30T05:59:00Z"))
                .replicas())
        .isEqualTo(1);
  }

  @Test
  void aStartTimeSkippedBySpringForwardDoesNotFireAndARepeatedOneFiresOnce() {
    // 02:30 does not exist in Berlin on 2026-03-29; it exists twice on 2026-10-25.
    Autoscaling a =
        spec(
            x ->
                x.setSchedules(List.of(new ScalingSchedule("30 2 * * *", "Europe/Berlin", 30, 5))));
    List<WorkerPod> idle = List.of(worker("a", 0, 0));
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-03-29T01:10:00Z"))
                .replicas())
        .isEqualTo(1);
    // first 02:30 (CEST, 00:30 UTC) opens a 30-minute window
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-10-25T00:45:00Z"))
                .replicas())
        .isEqualTo(5);
    // the second 02:30 (CET, 01:30 UTC) does not open it again
    assertThat(
            decide(a, 1, idle, 0, ScalingHistory.empty(), Instant.parse("2026-10-25T01:45:00Z"))
                .replicas())
        .isEqualTo(1);
  }

  @Test
  void badCronOrZoneNamesTheField() {
    Autoscaling badCron =
        spec(x -> x.setSchedules(List.of(new ScalingSchedule("61 * * * *", "UTC", 10, 2))));
    Autoscaling badZone =
        spec(x -> x.setSchedules(List.of(new ScalingSchedule("0 * * * *", "Mars/Olympus", 10, 2))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingPolicy.from(badCron))
        .hasMessageStartingWith("spec.autoscaling.schedules[0].cron: minute 61");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingPolicy.from(badZone))
        .hasMessageStartingWith("spec.autoscaling.schedules[0].timeZone");
  }

  @Test
  void historyKeepsOnlyWhatTheWindowsNeed() {
    Autoscaling a = spec(x -> x.setScaleDown(new ScalingRules(60, 0)));
    ScalingHistory h = ScalingHistory.empty();
    for (int s = 0; s < 600; s += 5) {
      h = decide(a, 1, List.of(worker("a", 0, 0)), 0, h, T0.plusSeconds(s)).history();
    }
    assertThat(h.recommendations()).hasSizeLessThanOrEqualTo(13);
    assertThat(Duration.between(h.recommendations().get(0).at(), T0.plusSeconds(595)))
        .isLessThanOrEqualTo(Duration.ofSeconds(60));
  }
}
