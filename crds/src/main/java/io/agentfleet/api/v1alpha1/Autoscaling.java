package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
@ValidationRule(
    value =
        "!has(self.schedules) || !has(self.maxReplicas) || self.schedules.all(s, s.minReplicas <= self.maxReplicas)",
    message = "autoscaling.schedules[].minReplicas must not exceed autoscaling.maxReplicas")
public class Autoscaling {

  @JsonPropertyDescription(
      "Let the operator own spec.replicas, sizing the fleet from the workers' LiveKit load reports.")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription("Fewest workers, even with no calls.")
  @Min(0)
  @Default("1")
  private Integer minReplicas = 1;

  @JsonPropertyDescription("Most workers, whatever the load.")
  @Min(1)
  @Max(10000)
  @Default("10")
  private Integer maxReplicas = 10;

  @JsonPropertyDescription(
      "Mean LiveKit load (0 to 1) to aim for across workers: desired = ceil(sum of loads /"
          + " targetLoad).")
  @Min(0.01)
  @Max(1.0)
  @Default("0.5")
  // The API server checks a whole number against a fractional minimum truncated to a whole
  // number (0.01 becomes 0), so "targetLoad: 0" passes the minimum; the rule compares numbers.
  @ValidationRule(
      value = "self >= 0.01",
      message = "autoscaling.targetLoad must be at least 0.01: the fleet is sized by load / target")
  private Double targetLoad = 0.5;

  @JsonPropertyDescription(
      "If above 0, size the fleet by calls instead of load: desired = ceil(calls / jobsPerWorker).")
  @Min(0)
  @Default("0")
  private Integer jobsPerWorker = 0;

  @JsonPropertyDescription("Warm buffer: workers that can take a call right now, on top of demand.")
  @Min(0)
  @Default("1")
  private Integer idleWorkers = 1;

  @JsonPropertyDescription(
      "Fixed: keep idleWorkers spare workers. Measured: keep room for the calls that arrived while"
          + " a worker started, from the fleet's own recent figures (the largest rise in calls over"
          + " any stretch as long as the measured worker start-up, in the last 10 minutes, plus"
          + " its square root), never fewer than idleWorkers workers.")
  @Default("Fixed")
  private WarmBuffer warmBuffer = WarmBuffer.FIXED;

  @JsonPropertyDescription(
      "Relative change of load against target below which nothing is done (HPA's tolerance).")
  @Min(0)
  @Max(1.0)
  @Default("0.1")
  private Double tolerance = 0.1;

  @JsonPropertyDescription(
      "Seconds a new worker may take to become ready before it stops counting as coming"
          + " capacity, so that more workers are added instead of waiting on it.")
  @Min(0)
  @Max(3600)
  @Default("120")
  private Integer startupAllowanceSeconds = 120;

  @JsonPropertyDescription("Scale-up behaviour. Stabilization 0 s and no rate limit by default.")
  private ScalingRules scaleUp = new ScalingRules(0, 0);

  @JsonPropertyDescription(
      "Scale-down behaviour. Stabilization 300 s (as HPA) and no rate limit by default.")
  private ScalingRules scaleDown = new ScalingRules(300, 0);

  @JsonPropertyDescription("Times when more workers must be kept, e.g. office hours.")
  @Size(max = 20)
  private List<ScalingSchedule> schedules = new ArrayList<>();

  @JsonPropertyDescription(
      "Demand that came at the same time of the period (a day, a week) on each of the last"
          + " periods is met ahead of time. Off by default.")
  private LearnedSchedule learnedSchedule;

  @JsonPropertyDescription(
      "LiveKit webhooks (room_started, participant_joined) for matching rooms count as calls"
          + " about to arrive, before the workers' load reports show them.")
  private WebhookPrescaling webhook;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Double getTargetLoad() {
    return targetLoad;
  }

  public void setTargetLoad(Double targetLoad) {
    this.targetLoad = targetLoad;
  }

  public Integer getJobsPerWorker() {
    return jobsPerWorker;
  }

  public void setJobsPerWorker(Integer jobsPerWorker) {
    this.jobsPerWorker = jobsPerWorker;
  }

  public Integer getIdleWorkers() {
    return idleWorkers;
  }

  public void setIdleWorkers(Integer idleWorkers) {
    this.idleWorkers = idleWorkers;
  }

  public WarmBuffer getWarmBuffer() {
    return warmBuffer;
  }

  public void setWarmBuffer(WarmBuffer warmBuffer) {
    this.warmBuffer = warmBuffer;
  }

  public Double getTolerance() {
    return tolerance;
  }

  public void setTolerance(Double tolerance) {
    this.tolerance = tolerance;
  }

  public Integer getStartupAllowanceSeconds() {
    return startupAllowanceSeconds;
  }

  public void setStartupAllowanceSeconds(Integer startupAllowanceSeconds) {
    this.startupAllowanceSeconds = startupAllowanceSeconds;
  }

  public ScalingRules getScaleUp() {
    return scaleUp;
  }

  public void setScaleUp(ScalingRules scaleUp) {
    this.scaleUp = scaleUp;
  }

  public ScalingRules getScaleDown() {
    return scaleDown;
  }

  public void setScaleDown(ScalingRules scaleDown) {
    this.scaleDown = scaleDown;
  }

  public List<ScalingSchedule> getSchedules() {
    return schedules;
  }

  public void setSchedules(List<ScalingSchedule> schedules) {
    this.schedules = schedules;
  }

  public LearnedSchedule getLearnedSchedule() {
    return learnedSchedule;
  }

  public void setLearnedSchedule(LearnedSchedule learnedSchedule) {
    this.learnedSchedule = learnedSchedule;
  }

  public WebhookPrescaling getWebhook() {
    return webhook;
  }

  public void setWebhook(WebhookPrescaling webhook) {
    this.webhook = webhook;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Autoscaling a
        && Objects.equals(enabled, a.enabled)
        && Objects.equals(minReplicas, a.minReplicas)
        && Objects.equals(maxReplicas, a.maxReplicas)
        && Objects.equals(targetLoad, a.targetLoad)
        && Objects.equals(jobsPerWorker, a.jobsPerWorker)
        && Objects.equals(idleWorkers, a.idleWorkers)
        && Objects.equals(warmBuffer, a.warmBuffer)
        && Objects.equals(tolerance, a.tolerance)
        && Objects.equals(startupAllowanceSeconds, a.startupAllowanceSeconds)
        && Objects.equals(scaleUp, a.scaleUp)
        && Objects.equals(scaleDown, a.scaleDown)
        && Objects.equals(schedules, a.schedules)
        && Objects.equals(learnedSchedule, a.learnedSchedule)
        && Objects.equals(webhook, a.webhook);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        enabled,
        minReplicas,
        maxReplicas,
        targetLoad,
        jobsPerWorker,
        idleWorkers,
        warmBuffer,
        tolerance,
        startupAllowanceSeconds,
        scaleUp,
        scaleDown,
        schedules,
        learnedSchedule,
        webhook);
  }
}
