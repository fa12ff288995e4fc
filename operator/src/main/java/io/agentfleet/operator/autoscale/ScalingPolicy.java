package io.agentfleet.operator.autoscale;

import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.LearnedSchedule;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.api.v1alpha1.ScalingSchedule;
import io.agentfleet.api.v1alpha1.WarmBuffer;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The autoscaling spec with defaults applied and schedules parsed; what the planner reads. */
public record ScalingPolicy(
    int minReplicas,
    int maxReplicas,
    double targetLoad,
    int jobsPerWorker,
    int idleWorkers,
    WarmBuffer warmBuffer,
    double tolerance,
    Duration startupAllowance,
    Duration upWindow,
    int upPerMinute,
    Duration downWindow,
    int downPerMinute,
    List<ScheduleWindow> schedules,
    Duration learnedPeriod,
    int learnedPeriods) {

  /**
   * @throws IllegalArgumentException naming the field, for what the CRD schema cannot check (cron
   *     syntax, time zones)
   */
  public static ScalingPolicy from(Autoscaling a) {
    List<ScheduleWindow> windows = new ArrayList<>();
    List<ScalingSchedule> schedules = a.getSchedules() == null ? List.of() : a.getSchedules();
    for (int i = 0; i < schedules.size(); i++) {
      ScalingSchedule s = schedules.get(i);
      String field = "spec.autoscaling.schedules[" + i + "]";
      CronExpression cron;
      try {
        cron = CronExpression.parse(s.getCron());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ".cron: " + e.getMessage());
      }
      ZoneId zone;
      try {
        zone = ZoneId.of(Objects.requireNonNullElse(s.getTimeZone(), "UTC"));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            field + ".timeZone: unknown time zone " + s.getTimeZone());
      }
      windows.add(
          new ScheduleWindow(
              cron,
              zone,
              Duration.ofMinutes(Objects.requireNonNullElse(s.getDurationMinutes(), 60)),
              Objects.requireNonNullElse(s.getMinReplicas(), 0)));
    }
    ScalingRules up = Objects.requireNonNullElse(a.getScaleUp(), new ScalingRules(0, 0));
    ScalingRules down = Objects.requireNonNullElse(a.getScaleDown(), new ScalingRules(300, 0));
    LearnedSchedule learned = a.getLearnedSchedule();
    boolean learns = learned != null && Boolean.TRUE.equals(learned.getEnabled());
    return new ScalingPolicy(
        Objects.requireNonNullElse(a.getMinReplicas(), 1),
        Objects.requireNonNullElse(a.getMaxReplicas(), 10),
        Objects.requireNonNullElse(a.getTargetLoad(), 0.5),
        Objects.requireNonNullElse(a.getJobsPerWorker(), 0),
        Objects.requireNonNullElse(a.getIdleWorkers(), 1),
        Objects.requireNonNullElse(a.getWarmBuffer(), WarmBuffer.FIXED),
        Objects.requireNonNullElse(a.getTolerance(), 0.1),
        Duration.ofSeconds(Objects.requireNonNullElse(a.getStartupAllowanceSeconds(), 120)),
        Duration.ofSeconds(Objects.requireNonNullElse(up.getStabilizationSeconds(), 0)),
        Objects.requireNonNullElse(up.getMaxWorkersPerMinute(), 0),
        Duration.ofSeconds(Objects.requireNonNullElse(down.getStabilizationSeconds(), 300)),
        Objects.requireNonNullElse(down.getMaxWorkersPerMinute(), 0),
        List.copyOf(windows),
        learns
            ? Duration.ofMinutes(
                Objects.requireNonNullElse(
                    learned.getPeriodMinutes(), LearnedSchedule.DEFAULT_PERIOD_MINUTES))
            : Duration.ZERO,
        learns
            ? Objects.requireNonNullElse(learned.getPeriods(), LearnedSchedule.DEFAULT_PERIODS)
            : 0);
  }

  /** Whether a learned schedule is on: {@link #learnedPeriod} is then not zero. */
  public boolean learns() {
    return !learnedPeriod.isZero();
  }

  public boolean byCalls() {
    return jobsPerWorker > 0;
  }
}
