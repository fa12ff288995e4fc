package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  static WorkerPod pod(String name, Instant created, boolean reporting) {
    WorkerReport report =
        reporting
            ? new WorkerReport(0, 0.0, false, false, 10, null, null, WorkerStatusFormat.AGENTFLEET)
            : null;
    return new WorkerPod(name, "r1", reporting, false, false, created, report);
  }

  static Traffic counts(int... callsEachSecond) {
    Traffic t = Traffic.empty();
    for (int i = 0; i < callsEachSecond.length; i++) {
      t = t.observe(T0.plusSeconds(i), callsEachSecond[i], List.of());
    }
    return t;
  }

  @Test
  void riseIsTheLargestNetGainWithinTheSpan() {
    Traffic t = counts(5, 6, 9, 8, 12, 3, 4);
    // 6 -> 12 within 3 s; 5 -> 12 needs 4 s.
    assertThat(t.rise(Duration.ofSeconds(3))).isEqualTo(6);
    assertThat(t.rise(Duration.ofSeconds(4))).isEqualTo(7);
    assertThat(t.rise(Duration.ZERO)).isZero();
    assertThat(counts(9, 7, 3, 1).rise(Duration.ofSeconds(60))).isZero();
  }

  @Test
  void decisionsWithinOneSecondShareABucketThatKeepsItsLowAndHigh() {
    Traffic t =
        Traffic.empty()
            .observe(T0, 4, List.of())
            .observe(T0.plusMillis(300), 9, List.of())
            .observe(T0.plusMillis(600), 2, List.of());
    assertThat(t.calls()).containsExactly(new Traffic.CallCount(T0, 2, 9));
    // A burst inside one second is a rise too.
    assertThat(t.rise(Duration.ofSeconds(5))).isEqualTo(7);
  }

  @Test
  void countsOlderThanTheWindowAreForgotten() {
    Traffic t =
        Traffic.empty()
            .observe(T0, 0, List.of())
            .observe(T0.plusSeconds(1), 50, List.of())
            .observe(T0.plus(Traffic.WINDOW).plusSeconds(2), 50, List.of());
    assertThat(t.calls()).hasSize(1);
    assertThat(t.rise(Duration.ofHours(1))).isZero();
  }

  @Test
  void aStartUpIsMeasuredOnlyForAPodSeenBeforeItReported() {
    Instant created = T0.minusSeconds(3);
    Traffic t =
        Traffic.empty()
            .observe(
                T0, 0, List.of(pod("a", created, false), pod("old", T0.minusSeconds(900), true)));
    assertThat(t.starting()).containsExactly("a");
    t = t.observe(T0.plusSeconds(9), 0, List.of(pod("a", created, true), pod("old", T0, true)));
    assertThat(t.startups()).containsExactly(Duration.ofSeconds(12));
    assertThat(t.starting()).isEmpty();
    // Reporting again is no second start-up.
    t = t.observe(T0.plusSeconds(10), 0, List.of(pod("a", created, true)));
    assertThat(t.startup()).contains(Duration.ofSeconds(12));
    assertThat(Traffic.empty().startup()).isEmpty();
  }

  @Test
  void onlyTheLastStartUpsAreKeptAndTheSlowestCounts() {
    Traffic t = Traffic.empty();
    for (int i = 0; i < Traffic.STARTUPS + 5; i++) {
      Instant at = T0.plusSeconds(100L * i);
      t = t.observe(at, 0, List.of(pod("p" + i, at, false)));
      t = t.observe(at.plusSeconds(i == 0 ? 90 : 5 + i % 3), 0, List.of(pod("p" + i, at, true)));
    }
    assertThat(t.startups()).hasSize(Traffic.STARTUPS);
    // The 90 s start-up of the first pod fell out of memory.
    assertThat(t.startup()).contains(Duration.ofSeconds(7));
  }
}
