package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingSchedule {

  // One item of each cron field: *, a number in the field's range or a range a-b, then an
  // optional step /n. Character classes instead of backslashes, so that the text reads the same in
  // Java, YAML and CEL (the one escape, \t, is CEL's tab).
  private static final String STEP = "(/[1-9][0-9]?)?";
  private static final String MINUTE = "([*]|[0-5]?[0-9](-[0-5]?[0-9])?)" + STEP;
  private static final String HOUR = "([*]|([01]?[0-9]|2[0-3])(-([01]?[0-9]|2[0-3]))?)" + STEP;
  private static final String DAY =
      "([*]|(0?[1-9]|[12][0-9]|3[01])(-(0?[1-9]|[12][0-9]|3[01]))?)" + STEP;
  private static final String MONTH = "([*]|(0?[1-9]|1[0-2])(-(0?[1-9]|1[0-2]))?)" + STEP;
  private static final String WEEKDAY = "([*]|0?[0-7](-0?[0-7])?)" + STEP;
  private static final String GAP = "[ \\t]+";

  /**
   * What the operator's cron parser accepts: five fields (minute hour day-of-month month
   * day-of-week), each a comma-separated list of the items above; no names such as MON.
   */
  public static final String CRON_PATTERN =
      "^[ \\t]*("
          + MINUTE
          + ")(,("
          + MINUTE
          + "))*"
          + GAP
          + "("
          + HOUR
          + ")(,("
          + HOUR
          + "))*"
          + GAP
          + "("
          + DAY
          + ")(,("
          + DAY
          + "))*"
          + GAP
          + "("
          + MONTH
          + ")(,("
          + MONTH
          + "))*"
          + GAP
          + "("
          + WEEKDAY
          + ")(,("
          + WEEKDAY
          + "))*[ \\t]*$";

  /**
   * An IANA zone name as tzdata spells them: components starting with a capital letter, joined by
   * '/' (UTC, Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5). Whether the zone exists is
   * checked by the operator, which reports an unknown one on the deployment.
   */
  public static final String TIME_ZONE_PATTERN = "^[A-Z][A-Za-z0-9_+-]*(/[A-Z][A-Za-z0-9_+-]*)*$";

  @JsonPropertyDescription(
      "Five-field cron expression (minute hour day-of-month month day-of-week) of when the window"
          + " opens, e.g. \"0 8 * * 1-5\": numbers, *, ranges a-b, lists a,b and steps /n; no"
          + " names.")
  @Required
  @Size(max = 128)
  @ValidationRule(
      value = "self.matches('" + CRON_PATTERN + "')",
      message =
          "cron must be five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12)"
              + " day-of-week (0-7), each *, a number, a range a-b, a list a,b or a step */n")
  private String cron;

  @JsonPropertyDescription("IANA time zone the cron expression is read in, e.g. Europe/Berlin.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.matches('" + TIME_ZONE_PATTERN + "')",
      message = "timeZone must be an IANA time zone name such as UTC or Europe/Berlin")
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
