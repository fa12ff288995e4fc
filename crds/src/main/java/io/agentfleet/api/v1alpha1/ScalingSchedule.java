package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingSchedule {

  @JsonPropertyDescription(
      "Five-field cron expression (minute hour day-of-month month day-of-week) of when the window"
          + " opens, e.g. \"0 8 * * 1-5\".")
  @Required
  @Size(max = 128)
  @Pattern("^\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+$")
  private String cron;

  @JsonPropertyDescription("IANA time zone the cron expression is read in, e.g. Europe/Berlin.")
  @Size(max = 64)
  private String timeZone = "UTC";

  @JsonPropertyDescription("How long the window stays open after each start.")
  @Required
  @Min(1)
  @Max(10080)
  private Integer durationMinutes;

  @JsonPropertyDescription("Fewest workers while the window is open.")
  @Required
  @Min(0)
  private Integer minReplicas;

  public ScalingSchedule() {}

  public ScalingSchedule(
      String cron, String timeZone, Integer durationMinutes, Integer minReplicas) {
    this.cron = cron;
    this.timeZone = timeZone;
    this.durationMinutes = durationMinutes;
    this.minReplicas = minReplicas;
  }

  public String getCron() {
    return cron;
  }

  public void setCron(String cron) {
    this.cron = cron;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public Integer getDurationMinutes() {
    return durationMinutes;
  }

  public void setDurationMinutes(Integer durationMinutes) {
    this.durationMinutes = durationMinutes;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalingSchedule s
        && Objects.equals(cron, s.cron)
        && Objects.equals(timeZone, s.timeZone)
        && Objects.equals(durationMinutes, s.durationMinutes)
        && Objects.equals(minReplicas, s.minReplicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cron, timeZone, durationMinutes, minReplicas);
  }
}
