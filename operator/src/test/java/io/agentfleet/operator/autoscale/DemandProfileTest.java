package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.api.v1alpha1.DemandProfileStatus.DemandPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DemandProfileTest {

  static final Duration DAY = Duration.ofDays(1);

  /** Midnight UTC: a day's period begins here. */
  static final Instant MONDAY = Instant.parse("2026-03-02T00:00:00Z");

  static final Duration LEAD = Duration.ofMinutes(2);

  static Instant day(int n, String time) {
    return MONDAY.plus(DAY.multipliedBy(n)).plus(Duration.between(Instant.EPOCH, at(time)));
  }

  static Instant at(String time) {
    return Instant.parse("1970-01-01T" + time + ":00Z");
  }

  static DemandProfile learning() {
    return DemandProfile.none().learning(DAY);
  }

  /** Every decision of a day from 00:00 to 24:00 a minute apart, needing {@code workers(t)}. */
  static DemandProfile observeDay(
      DemandProfile p, int day, java.util.function.IntUnaryOperator workersAtMinute) {
    for (int m = 0; m < 24 * 60; m++) {
      p = p.observe(day(day, "00:00").plus(Duration.ofMinutes(m)), workersAtMinute.applyAsInt(m));
    }
    return p;
  }

  /** 2 workers all day, 8 from 10:00 to 11:00. */
  static int morningPeak(int minute) {
    return minute >= 600 && minute < 660 ? 8 : 2;
  }

  @Test
  void aSlotKeepsTheMostWorkersItsDemandNeeded() {
    DemandProfile p =
        learning()
            .observe(day(0, "10:01"), 3)
            .observe(day(0, "10:05"), 7)
            .observe(day(0, "10:10"), 4);
    assertThat(p.periods()).hasSize(1);
    assertThat(p.periods().get(0).peaks().get(40)).isEqualTo(7); // 10:00-10:15 is slot 40
    assertThat(p.periods().get(0).peaks().get(41)).isEqualTo(DemandProfile.UNSEEN);
  }

  @Test
  void nothingIsForecastUntilEachOfThePeriodsAskedForWasObserved() {
    DemandProfile p = observeDay(learning(), 0, DemandProfileTest::morningPeak);
    assertThat(p.forecast(day(1, "09:59"), LEAD, 2)).isEmpty();
    assertThat(p.forecast(day(1, "09:59"), LEAD, 1)).hasValue(8);
    p = observeDay(p, 1, DemandProfileTest::morningPeak);
    assertThat(p.forecast(day(2, "09:59"), LEAD, 2)).hasValue(8);
    // A slot the operator did not see on one of the days (it was down) forecasts nothing.
    DemandProfile gap = learning();
    for (int m = 0; m < 24 * 60; m++) {
      if (m < 590 || m > 620) {
        gap = gap.observe(day(0, "00:00").plus(Duration.ofMinutes(m)), morningPeak(m));
      }
    }
    gap = observeDay(gap, 1, DemandProfileTest::morningPeak);
    assertThat(gap.forecast(day(2, "09:59"), LEAD, 2)).isEmpty();
    assertThat(gap.forecast(day(2, "15:00"), LEAD, 2)).hasValue(2);
  }

  @Test
  void theForecastLooksOneLeadAheadAndTakesTheLeastOfThePeriods() {
    DemandProfile p = observeDay(learning(), 0, DemandProfileTest::morningPeak);
    p = observeDay(p, 1, m -> morningPeak(m) + (m >= 600 && m < 660 ? 4 : 0));
    // Before 10:00 by more than the lead: the quiet slot only.
    assertThat(p.forecast(day(2, "09:40"), LEAD, 2)).hasValue(2);
    // Within the lead of 10:00: the peak, the lower of the two days'.
    assertThat(p.forecast(day(2, "09:59"), LEAD, 2)).hasValue(8);
    assertThat(p.forecast(day(2, "09:59"), LEAD, 1)).hasValue(12);
    // A peak seen on one day only is not met ahead of time.
    DemandProfile once = observeDay(learning(), 0, m -> 2);
    once = observeDay(once, 1, DemandProfileTest::morningPeak);
    assertThat(once.forecast(day(2, "10:05"), LEAD, 2)).hasValue(2);
  }

  @Test
  void aLeadPastMidnightReadsTheStartOfTheDayBefore() {
    DemandProfile p = learning();
    for (int d = 0; d < 3; d++) {
      p = observeDay(p, d, m -> m < 15 ? 5 : 1);
    }
    assertThat(p.forecast(day(2, "23:59"), LEAD, 2)).hasValue(5);
    assertThat(p.forecast(day(2, "23:40"), LEAD, 2)).hasValue(1);
  }

  @Test
  void atMostEightPeriodsAreKept() {
    DemandProfile p = learning();
    for (int d = 0; d < 12; d++) {
      p = p.observe(day(d, "08:00"), d);
    }
    assertThat(p.periods()).hasSize(DemandProfile.KEPT);
    assertThat(p.forecast(day(12, "08:00"), LEAD, 7)).hasValue(5);
  }

  @Test
  void aClockThatWentBackDropsTheLaterPeriod() {
    DemandProfile p = learning().observe(day(3, "08:00"), 4).observe(day(2, "08:00"), 1);
    assertThat(p.periods()).extracting(DemandProfile.Period::index).hasSize(1);
    assertThat(p.periods().get(0).peaks().get(32)).isEqualTo(1);
  }

  @Test
  void theStatusKeepsTheClosedSlotsAndReadsBackToTheSameForecast() {
    DemandProfile p = observeDay(learning(), 0, DemandProfileTest::morningPeak);
    p = observeDay(p, 1, DemandProfileTest::morningPeak);
    p = p.observe(day(2, "09:50"), 2).observe(day(2, "10:03"), 9);

    DemandProfileStatus status = p.closedBefore(day(2, "10:04"));
    assertThat(status.getPeriodMinutes()).isEqualTo(1440);
    assertThat(status.getPeriods()).hasSize(3);
    assertThat(status.getPeriods().get(0).getStart()).isEqualTo("2026-03-02T00:00:00Z");
    // The open slot (10:00-10:15) is not written yet: its peak may still rise.
    assertThat(status.getPeriods().get(2).getPeaks().get(40)).isEqualTo(DemandProfile.UNSEEN);
    assertThat(status.getPeriods().get(2).getPeaks().get(39)).isEqualTo(2);
    // So the status changes only when a slot closes.
    assertThat(p.observe(day(2, "10:05"), 11).closedBefore(day(2, "10:05"))).isEqualTo(status);
    assertThat(p.closedBefore(day(2, "10:15"))).isNotEqualTo(status);

    DemandProfile read = DemandProfile.fromStatus(status, DAY);
    for (String time : List.of("00:00", "09:59", "10:30", "23:59")) {
      assertThat(read.forecast(day(2, time), LEAD, 2))
          .as(time)
          .isEqualTo(p.forecast(day(2, time), LEAD, 2));
    }
  }

  @Test
  void aStatusOfAnotherPeriodOrEditedOutOfShapeStartsAfresh() {
    DemandProfile p = observeDay(learning(), 0, DemandProfileTest::morningPeak);
    DemandProfileStatus status = p.closedBefore(day(1, "00:00"));
    assertThat(DemandProfile.fromStatus(status, DAY).periods()).hasSize(1);
    assertThat(DemandProfile.fromStatus(status, Duration.ofDays(7)).periods()).isEmpty();
    assertThat(DemandProfile.fromStatus(null, DAY).periods()).isEmpty();

    List<Integer> short_ = new ArrayList<>(Collections.nCopies(10, 1));
    List<Integer> withNull = new ArrayList<>(Collections.nCopies(DemandProfile.SLOTS, 1));
    withNull.set(3, null);
    for (DemandPeriod bad :
        List.of(
            new DemandPeriod("2026-03-02T00:00:00Z", short_),
            new DemandPeriod("yesterday", Collections.nCopies(DemandProfile.SLOTS, 1)),
            new DemandPeriod("2026-03-02T00:00:00Z", withNull))) {
      DemandProfile read =
          DemandProfile.fromStatus(new DemandProfileStatus(1440, List.of(bad)), DAY);
      assertThat(read.periods()).as(bad.getStart()).isEmpty();
      assertThat(read.learns()).isTrue();
    }
    // Out of order (hand-edited): not trusted.
    DemandPeriod a = new DemandPeriod("2026-03-03T00:00:00Z", Collections.nCopies(96, 1));
    DemandPeriod b = new DemandPeriod("2026-03-02T00:00:00Z", Collections.nCopies(96, 1));
    assertThat(
            DemandProfile.fromStatus(new DemandProfileStatus(1440, List.of(a, b)), DAY).periods())
        .isEmpty();
  }

  @Test
  void withoutALearnedScheduleNothingIsKeptOrForecast() {
    DemandProfile none = DemandProfile.none().observe(day(0, "10:00"), 5);
    assertThat(none.periods()).isEmpty();
    assertThat(none.forecast(day(1, "10:00"), LEAD, 1)).isEqualTo(OptionalInt.empty());
  }
}
