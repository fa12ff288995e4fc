package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentDeploymentStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Worker pods that are not terminating, of every revision.")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Worker pods that are ready (registered with LiveKit, not draining).")
  private Integer readyReplicas;

  @JsonPropertyDescription("Worker pods of the update revision that are not terminating.")
  private Integer updatedReplicas;

  @JsonPropertyDescription("Workers being removed that are still finishing their calls.")
  private Integer drainingWorkers;

  @JsonPropertyDescription("How many workers the operator is aiming for.")
  private Integer desiredReplicas;

  @JsonPropertyDescription("Workers that can take a call now: ready, reporting, not full.")
  private Integer availableWorkers;

  @JsonPropertyDescription("When the autoscaler last changed spec.replicas.")
  private String lastScaleTime;

  @JsonPropertyDescription("Calls in progress across the fleet, from the workers' reports.")
  private Integer activeJobs;

  @JsonPropertyDescription("Mean LiveKit load reported by the workers (0 to 1).")
  private Double load;

  @JsonPropertyDescription("Revision that all workers ran when the last rollout completed.")
  private String currentRevision;

  @JsonPropertyDescription("Revision of the current spec.template.")
  private String updateRevision;

  @JsonPropertyDescription(
      "The last revision that completed a rollout and was not rolled back: where an automatic"
          + " rollback returns to.")
  private String lastStableRevision;

  @JsonPropertyDescription("The current rollout.")
  private RolloutStatus rollout;

  @JsonPropertyDescription(
      "What the autoscaler learned of the demand over the last periods"
          + " (spec.autoscaling.learnedSchedule); absent while it is off.")
  private DemandProfileStatus demandProfile;

  @JsonPropertyDescription("Label selector of the worker pods, for the scale subresource.")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("Available, Progressing, ScalingLimited, RolledBack and Degraded.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getUpdatedReplicas() {
    return updatedReplicas;
  }

  public void setUpdatedReplicas(Integer updatedReplicas) {
    this.updatedReplicas = updatedReplicas;
  }

  public Integer getDrainingWorkers() {
    return drainingWorkers;
  }

  public void setDrainingWorkers(Integer drainingWorkers) {
    this.drainingWorkers = drainingWorkers;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public Integer getAvailableWorkers() {
    return availableWorkers;
  }

  public void setAvailableWorkers(Integer availableWorkers) {
    this.availableWorkers = availableWorkers;
  }

  public String getLastScaleTime() {
    return lastScaleTime;
  }

  public void setLastScaleTime(String lastScaleTime) {
    this.lastScaleTime = lastScaleTime;
  }

  public Integer getActiveJobs() {
    return activeJobs;
  }

  public void setActiveJobs(Integer activeJobs) {
    this.activeJobs = activeJobs;
  }

  public Double getLoad() {
    return load;
  }

  public void setLoad(Double load) {
    this.load = load;
  }

  public String getCurrentRevision() {
    return currentRevision;
  }

  public void setCurrentRevision(String currentRevision) {
    this.currentRevision = currentRevision;
  }

  public String getUpdateRevision() {
    return updateRevision;
  }

  public void setUpdateRevision(String updateRevision) {
    this.updateRevision = updateRevision;
  }

  public String getLastStableRevision() {
    return lastStableRevision;
  }

  public void setLastStableRevision(String lastStableRevision) {
    this.lastStableRevision = lastStableRevision;
  }

  public DemandProfileStatus getDemandProfile() {
    return demandProfile;
  }

  public void setDemandProfile(DemandProfileStatus demandProfile) {
    this.demandProfile = demandProfile;
  }

  public RolloutStatus getRollout() {
    return rollout;
  }

  public void setRollout(RolloutStatus rollout) {
    this.rollout = rollout;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentDeploymentStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(replicas, s.replicas)
        && Objects.equals(readyReplicas, s.readyReplicas)
        && Objects.equals(updatedReplicas, s.updatedReplicas)
        && Objects.equals(drainingWorkers, s.drainingWorkers)
        && Objects.equals(desiredReplicas, s.desiredReplicas)
        && Objects.equals(availableWorkers, s.availableWorkers)
        && Objects.equals(lastScaleTime, s.lastScaleTime)
        && Objects.equals(activeJobs, s.activeJobs)
        && Objects.equals(demandProfile, s.demandProfile)
        && Objects.equals(load, s.load)
        && Objects.equals(currentRevision, s.currentRevision)
        && Objects.equals(updateRevision, s.updateRevision)
        && Objects.equals(lastStableRevision, s.lastStableRevision)
        && Objects.equals(rollout, s.rollout)
        && Objects.equals(selector, s.selector)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        replicas,
        readyReplicas,
        updatedReplicas,
        drainingWorkers,
        desiredReplicas,
        availableWorkers,
        lastScaleTime,
        activeJobs,
        demandProfile,
        load,
        currentRevision,
        updateRevision,
        lastStableRevision,
        rollout,
        selector,
        conditions);
  }
}
