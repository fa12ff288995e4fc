package io.agentfleet.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentfleet.operator.dashboard.History.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Sample at(long seconds, int calls) {
    return new Sample(T0.plusSeconds(seconds), calls, 0.1, 0.5, 2, 2);
  }

  @Test
  void keepsAtMostItsCapacityDroppingTheOldest() {
    History h = new History(3, Duration.ZERO);
    for (int i = 0; i < 10; i++) {
      h.add(at(i, i));
    }
    assertThat(h.since(T0.plusSeconds(10))).extracting(Sample::calls).containsExactly(7, 8, 9);
  }

  @Test
  void keptSamplesAreASpacingApartAndTheLatestIsAlwaysThere() {
    History h = new History(100, Duration.ofSeconds(5));
    h.add(at(0, 1));
    h.add(at(2, 2));
    h.add(at(4, 3));
    assertThat(h.since(T0.plusSeconds(4))).extracting(Sample::calls).containsExactly(1, 3);
    h.add(at(10, 4));
    h.add(at(11, 5));
    assertThat(h.since(T0.plusSeconds(11))).extracting(Sample::calls).containsExactly(1, 4, 5);
  }

  @Test
  void aSampleEverySecondGrowsTheHistoryAtItsSpacing() {
    History h = new History(1000, Duration.ofSeconds(5));
    for (int i = 0; i <= 100; i++) {
      h.add(at(i, i));
    }
    List<Sample> kept = h.since(T0.plusSeconds(100));
    assertThat(kept).hasSizeBetween(18, 22);
    assertThat(kept.get(kept.size() - 1).calls()).isEqualTo(100);
    for (int i = 1; i < kept.size() - 1; i++) {
      assertThat(Duration.between(kept.get(i - 1).at(), kept.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void forgetsWhatIsOlderThanAnHour() {
    History h = new History(10_000, Duration.ZERO);
    h.add(at(0, 1));
    h.add(at(1800, 2));
    assertThat(h.since(T0.plusSeconds(1800))).extracting(Sample::calls).containsExactly(1, 2);
    // Read later, the first sample is out of the window even before anything is added.
    assertThat(h.since(T0.plusSeconds(3601))).extracting(Sample::calls).containsExactly(2);
    h.add(at(3700, 3));
    assertThat(h.since(T0.plusSeconds(3700))).extracting(Sample::calls).containsExactly(2, 3);
  }

  @Test
  void hourlyHoldsAnHourAtItsSpacing() {
    History h = History.hourly();
    for (int i = 0; i < 2000; i++) {
      h.add(at(i * 5L, i));
    }
    List<Sample> kept = h.since(T0.plusSeconds(1999 * 5L));
    assertThat(kept).hasSizeLessThanOrEqualTo(h.capacity());
    assertThat(kept.get(kept.size() - 1).calls()).isEqualTo(1999);
    assertThat(kept.get(0).at()).isAfterOrEqualTo(T0.plusSeconds(1999 * 5L).minus(History.WINDOW));
  }

  @Test
  void refusesAnEmptyCapacity() {
    assertThatThrownBy(() -> new History(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
