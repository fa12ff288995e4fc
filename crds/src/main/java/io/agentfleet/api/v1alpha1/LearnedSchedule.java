package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * A schedule the autoscaler learns from the fleet's own past: demand that came at the same time of
 * the period on each of the last {@code periods} periods is met ahead of time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LearnedSchedule {

  @JsonPropertyDescription(
      "Keep ready ahead of time the workers that the demand needed at this time of the period on"
          + " each of the previous periods (the least of them), plus the warm buffer. What was"
          + " learned is kept in status.demandProfile, so a restarted operator keeps it.")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription(
      "Length of the period that repeats, in minutes: 1440 for a day, 10080 for a week. It is"
          + " split into 96 slots (15 minutes for a day), counted from the Unix epoch in UTC.")
  @Min(60)
  @Max(10080)
  @Default("1440")
  private Integer periodMinutes = DEFAULT_PERIOD_MINUTES;

  @JsonPropertyDescription(
      "How many previous periods must each have seen the demand before it is met ahead of time."
          + " Nothing is learned until that many periods were observed.")
  @Min(1)
  @Max(7)
  @Default("2")
  private Integer periods = DEFAULT_PERIODS;

  public static final int DEFAULT_PERIOD_MINUTES = 1440;
  public static final int DEFAULT_PERIODS = 2;

  public LearnedSchedule() {}

  public LearnedSchedule(boolean enabled, int periodMinutes, int periods) {
    this.enabled = enabled;
    this.periodMinutes = periodMinutes;
    this.periods = periods;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getPeriodMinutes() {
    return periodMinutes;
  }

  public void setPeriodMinutes(Integer periodMinutes) {
    this.periodMinutes = periodMinutes;
  }

  public Integer getPeriods() {
    return periods;
  }

  public void setPeriods(Integer periods) {
    this.periods = periods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearnedSchedule l
        && Objects.equals(enabled, l.enabled)
        && Objects.equals(periodMinutes, l.periodMinutes)
        && Objects.equals(periods, l.periods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, periodMinutes, periods);
  }
}
