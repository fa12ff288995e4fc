package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

  @Test
  void aTraceIsReplayedInArrivalOrderAtTheTimeScale() {
    List<PlannedCall> calls =
        Arrivals.trace(
            List.of("arrival_s,duration_s,agent", "# a comment", "20,60,other", "", "10,30,"),
            10,
            "sandbox-agent");
    assertThat(calls)
        .containsExactly(
            new PlannedCall(Duration.ofSeconds(1), Duration.ofSeconds(3), "sandbox-agent"),
            new PlannedCall(Duration.ofSeconds(2), Duration.ofSeconds(6), "other"));
  }

  @Test
  void aBadTraceLineIsNamed() {
    assertThatThrownBy(() -> Arrivals.trace(List.of("1,2,a", "x,2,a"), 1, "a"))
        .hasMessageContaining("trace line 2");
    assertThatThrownBy(() -> Arrivals.trace(List.of("1"), 1, "a"))
        .hasMessageContaining("trace line 1");
  }

  @Test
  void steadyPoissonArrivalsKeepTheirRateAndLengths() {
    Iterator<PlannedCall> plan =
        Arrivals.poisson(
            Arrivals.RateProfile.steady(60), 60, Duration.ofSeconds(20), "a", new Random(7));
    List<PlannedCall> calls = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      calls.add(plan.next());
    }
    double meanGap = calls.get(calls.size() - 1).at().toMillis() / 1000.0 / calls.size();
    assertThat(meanGap).isBetween(0.9, 1.1);
    double meanLength =
        calls.stream().mapToLong(c -> c.length().toMillis()).average().orElseThrow() / 1000.0;
    assertThat(meanLength).isBetween(18.0, 22.0);
    assertThat(calls).allMatch(c -> c.length().toMillis() >= 1000);
    assertThat(calls).isSortedAccordingTo(java.util.Comparator.comparing(PlannedCall::at));
  }

  @Test
  void aWaveHasBusyAndQuietHalves() {
    Duration period = Duration.ofSeconds(600);
    Iterator<PlannedCall> plan =
        Arrivals.poisson(
            Arrivals.RateProfile.wave(60, period), 108, Duration.ofSeconds(20), "a", new Random(3));
    int busy = 0;
    int quiet = 0;
    PlannedCall call;
    while ((call = plan.next()).at().compareTo(period) < 0) {
      if (call.at().toSeconds() < 300) {
        busy++;
      } else {
        quiet++;
      }
    }
    assertThat(busy).isGreaterThan(2 * quiet);
  }
}
