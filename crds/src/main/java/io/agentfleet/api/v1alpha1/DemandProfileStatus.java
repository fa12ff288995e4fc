package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the autoscaler learned of the demand over the last periods, for a learned schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DemandProfileStatus {

  @JsonPropertyDescription("The period this profile was learned with, in minutes.")
  private Integer periodMinutes;

  @JsonPropertyDescription("The last periods observed, oldest first.")
  private List<DemandPeriod> periods = new ArrayList<>();

  public DemandProfileStatus() {}

  public DemandProfileStatus(int periodMinutes, List<DemandPeriod> periods) {
    this.periodMinutes = periodMinutes;
    this.periods = new ArrayList<>(periods);
  }

  public Integer getPeriodMinutes() {
    return periodMinutes;
  }

  public void setPeriodMinutes(Integer periodMinutes) {
    this.periodMinutes = periodMinutes;
  }

  public List<DemandPeriod> getPeriods() {
    return periods;
  }

  public void setPeriods(List<DemandPeriod> periods) {
    this.periods = periods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DemandProfileStatus d
        && Objects.equals(periodMinutes, d.periodMinutes)
        && Objects.equals(periods, d.periods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(periodMinutes, periods);
  }

  /** One period: when it began, and the most workers the demand needed in each of its slots. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DemandPeriod {

    @JsonPropertyDescription("When the period began (RFC 3339).")
    private String start;

    @JsonPropertyDescription(
        "For each of the period's 96 slots, the most workers the demand needed in it; -1 where"
            + " the slot was not observed (the operator was not running, or the slot is still"
            + " open).")
    private List<Integer> peaks = new ArrayList<>();

    public DemandPeriod() {}

    public DemandPeriod(String start, List<Integer> peaks) {
      this.start = start;
      this.peaks = new ArrayList<>(peaks);
    }

    public String getStart() {
      return start;
    }

    public void setStart(String start) {
      this.start = start;
    }

    public List<Integer> getPeaks() {
      return peaks;
    }

    public void setPeaks(List<Integer> peaks) {
      this.peaks = peaks;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DemandPeriod p
          && Objects.equals(start, p.start)
          && Objects.equals(peaks, p.peaks);
    }

    @Override
    public int hashCode() {
      return Objects.hash(start, peaks);
    }
  }
}
