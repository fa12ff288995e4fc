package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Where the current rollout stands, in names a person can read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  @JsonPropertyDescription(
      "Completed, Progressing, Paused (spec.paused or a canary pause), RolledBack or Failed.")
  private String phase;

  @JsonPropertyDescription("Index of the canary step being run; absent for rolling updates.")
  private Integer step;

  @JsonPropertyDescription("Share (%) of workers the rollout currently puts on the new revision.")
  private Integer weight;

  @JsonPropertyDescription("When the rollout of the update revision started.")
  private String startedAt;

  @JsonPropertyDescription("When the current canary step started (for timed pauses).")
  private String stepStartedAt;

  @JsonPropertyDescription("Old-revision workers still finishing their calls, and their calls.")
  private Integer drainingOldWorkers;

  private Integer drainingOldCalls;

  @JsonPropertyDescription("The last agentfleet.io/promote annotation value acted on.")
  private String promoted;

  @JsonPropertyDescription(
      "When the rollout last made progress (a step, a new worker available, an old one drained);"
          + " the progress deadline counts from here.")
  private String progressedAt;

  @JsonPropertyDescription("New-revision workers available at the last reconcile.")
  private Integer updatedAvailable;

  @JsonPropertyDescription("What is happening or went wrong, in words.")
  private String message;

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public Integer getDrainingOldWorkers() {
    return drainingOldWorkers;
  }

  public void setDrainingOldWorkers(Integer drainingOldWorkers) {
    this.drainingOldWorkers = drainingOldWorkers;
  }

  public Integer getDrainingOldCalls() {
    return drainingOldCalls;
  }

  public void setDrainingOldCalls(Integer drainingOldCalls) {
    this.drainingOldCalls = drainingOldCalls;
  }

  public String getPromoted() {
    return promoted;
  }

  public void setPromoted(String promoted) {
    this.promoted = promoted;
  }

  public String getProgressedAt() {
    return progressedAt;
  }

  public void setProgressedAt(String progressedAt) {
    this.progressedAt = progressedAt;
  }

  public Integer getUpdatedAvailable() {
    return updatedAvailable;
  }

  public void setUpdatedAvailable(Integer updatedAvailable) {
    this.updatedAvailable = updatedAvailable;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutStatus r
        && Objects.equals(phase, r.phase)
        && Objects.equals(step, r.step)
        && Objects.equals(weight, r.weight)
        && Objects.equals(startedAt, r.startedAt)
        && Objects.equals(stepStartedAt, r.stepStartedAt)
        && Objects.equals(drainingOldWorkers, r.drainingOldWorkers)
        && Objects.equals(drainingOldCalls, r.drainingOldCalls)
        && Objects.equals(promoted, r.promoted)
        && Objects.equals(progressedAt, r.progressedAt)
        && Objects.equals(updatedAvailable, r.updatedAvailable)
        && Objects.equals(message, r.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        phase,
        step,
        weight,
        startedAt,
        stepStartedAt,
        drainingOldWorkers,
        drainingOldCalls,
        promoted,
        progressedAt,
        updatedAvailable,
        message);
  }
}
