package io.agentfleet.operator.status;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.operator.autoscale.DemandProfile;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.rollout.RolloutPlan;
import io.agentfleet.operator.rollout.RolloutState;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place the status is computed: from the pods as observed, the update revision, the
 * workers' reports and what went wrong, never from what the operator meant to do.
 */
public final class StatusAggregator {

  private StatusAggregator() {}

  public static AgentDeploymentStatus compute(
      AgentDeployment deployment, FleetView view, Optional<Trouble> trouble, Instant now) {
    AgentDeploymentStatus previous =
        Optional.ofNullable(deployment.getStatus()).orElseGet(AgentDeploymentStatus::new);
    Long generation = deployment.getMetadata().getGeneration();
    int wanted =
        deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
            ? 0
            : deployment.getSpec().getReplicas();
    int desired = view.scaling().map(ScaleDecision::replicas).orElse(wanted);
    boolean paused =
        deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused());
    String updateHash = view.updateHash();
    String updateRevision = view.updateRevision();

    List<WorkerPod> live = view.pods().stream().filter(WorkerPod::live).toList();
    int ready = (int) live.stream().filter(WorkerPod::ready).count();
    int updated = (int) live.stream().filter(p -> p.revision().equals(updateHash)).count();
    int updatedReady =
        (int) live.stream().filter(p -> p.revision().equals(updateHash) && p.ready()).count();
    int draining =
        (int)
            view.pods().stream()
                .filter(p -> p.terminating() || (p.live() && p.known() && p.report().draining()))
                .count();
    List<WorkerPod> reporting = live.stream().filter(WorkerPod::known).toList();
    int available =
        (int) reporting.stream().filter(p -> p.ready() && p.report().acceptsCalls()).count();
    boolean oldRemain = live.stream().anyMatch(p -> !p.revision().equals(updateHash));
    boolean rolledOut = updateRevision != null && !oldRemain && updatedReady >= wanted;

    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(live.size());
    status.setReadyReplicas(ready);
    status.setUpdatedReplicas(updated);
    status.setDrainingWorkers(draining);
    status.setDesiredReplicas(desired);
    if (!reporting.isEmpty()) {
      int calls =
          view.pods().stream().filter(WorkerPod::known).mapToInt(WorkerPod::activeJobs).sum();
      double load =
          reporting.stream()
              .mapToDouble(p -> p.report().effectiveLoad(maxJobsOf(p)))
              .average()
              .orElse(0);
      status.setActiveJobs(calls);
      status.setLoad(Math.round(load * 100) / 100.0);
      status.setAvailableWorkers(available);
    }
    status.setLastScaleTime(
        view.lastScaleTime().map(Instant::toString).orElse(previous.getLastScaleTime()));
    status.setDemandProfile(demandProfile(deployment, view, previous, now));
    status.setUpdateRevision(updateRevision);
    status.setCurrentRevision(
        rolledOut || previous.getCurrentRevision() == null
            ? updateRevision
            : previous.getCurrentRevision());
    status.setSelector(AgentDeploymentLabels.selector(deployment.getMetadata().getName()));
    status.setLastStableRevision(
        view.lastStableRevision() != null
            ? view.lastStableRevision()
            : previous.getLastStableRevision());
    status.setRollout(
        view.rollout()
            .map(plan -> rolloutStatus(plan, view.pods(), updateHash))
            .orElse(previous.getRollout()));

    List<Condition> wantedConditions = new ArrayList<>();
    wantedConditions.add(
        Conditions.of(
            ConditionType.AVAILABLE,
            ready >= wanted ? "True" : "False",
            ready >= wanted
                ? ConditionReason.MINIMUM_WORKERS_AVAILABLE
                : ConditionReason.MINIMUM_WORKERS_UNAVAILABLE,
            "%d of %d workers ready".formatted(ready, wanted),
            generation));
    wantedConditions.add(
        view.rollout()
            .map(plan -> progressing(plan, generation))
            .orElseGet(
                () ->
                    progressing(
                        paused,
                        rolledOut,
                        updateRevision,
                        updatedReady,
                        wanted,
                        live,
                        updateHash,
                        generation)));
    rolledBackCondition(view, previous, status, generation).ifPresent(wantedConditions::add);
    view.scaling().ifPresent(d -> wantedConditions.add(scalingLimited(d, generation)));
    wantedConditions.add(
        trouble
            .map(
                t ->
                    Conditions.of(
                        ConditionType.DEGRADED, "True", t.reason(), t.message(), generation))
            .orElseGet(
                () ->
                    Conditions.of(
                        ConditionType.DEGRADED,
                        "False",
                        ConditionReason.AS_EXPECTED,
                        "no problems",
                        generation)));
    status.setConditions(Conditions.merge(previous.getConditions(), wantedConditions, now));
    // After an automatic rollback the rollout stays RolledBack, so `kubectl agents rollout
    // status` keeps failing, until a different template is rolled out.
    Condition rolledBack = Conditions.find(wantedConditions, ConditionType.ROLLED_BACK);
    if (rolledBack != null
        && "True".equals(rolledBack.getStatus())
        && status.getRollout() != null
        && view.rollout().isPresent()
        && view.rollout().get().phase() != RolloutPhase.RolledBack) {
      status.getRollout().setPhase(RolloutPhase.RolledBack.name());
      status
          .getRollout()
          .setMessage(rolledBack.getMessage() + "; " + view.rollout().get().message());
    }
    return status;
  }

  private static RolloutStatus rolloutStatus(
      RolloutPlan plan, List<WorkerPod> pods, String updateHash) {
    RolloutState s = plan.state();
    RolloutStatus r = new RolloutStatus();
    r.setPhase(plan.phase().name());
    r.setStep(s.step());
    r.setWeight(plan.weight());
    r.setStartedAt(s.startedAt().toString());
    r.setStepStartedAt(s.stepStartedAt().toString());
    r.setProgressedAt(s.progressedAt() == null ? null : s.progressedAt().toString());
    r.setUpdatedAvailable(s.updatedAvailable());
    r.setPromoted(s.promoted());
    List<WorkerPod> oldDraining =
        pods.stream()
            .filter(p -> !p.revision().equals(updateHash))
            .filter(p -> p.terminating() || (p.known() && p.report().draining()))
            .toList();
    r.setDrainingOldWorkers(oldDraining.size());
    r.setDrainingOldCalls(oldDraining.stream().mapToInt(WorkerPod::activeJobs).sum());
    r.setMessage(plan.message());
    return r;
  }

  private static Condition progressing(RolloutPlan plan, Long generation) {
    return switch (plan.phase()) {
      case Completed ->
          Conditions.of(
              ConditionType.PROGRESSING,
              "True",
              ConditionReason.NEW_REVISION_AVAILABLE,
              plan.message(),
              generation);
      case Progressing ->
          Conditions.of(
              ConditionType.PROGRESSING,
              "True",
              ConditionReason.ROLLOUT_IN_PROGRESS,
              plan.message(),
              generation);
      case Paused ->
          Conditions.of(
              ConditionType.PROGRESSING,
              "Unknown",
              ConditionReason.PAUSED,
              plan.message(),
              generation);
      case Failed ->
          Conditions.of(
              ConditionType.PROGRESSING,
              "False",
              ConditionReason.PROGRESS_DEADLINE_EXCEEDED,
              plan.message(),
              generation);
      case RolledBack ->
          Conditions.of(
              ConditionType.PROGRESSING,
              "False",
              ConditionReason.ROLLED_BACK,
              plan.message(),
              generation);
    };
  }

  /**
   * RolledBack is True from an automatic rollback until a different revision is rolled out; it
   * appears only once a rollback has happened.
   */
  private static Optional<Condition> rolledBackCondition(
      FleetView view,
      AgentDeploymentStatus previous,
      AgentDeploymentStatus status,
      Long generation) {
    if (view.rolledBack().isPresent()) {
      return Optional.of(
          Conditions.of(
              ConditionType.ROLLED_BACK,
              "True",
              ConditionReason.AUTOMATIC_ROLLBACK,
              view.rolledBack().get(),
              generation));
    }
    Condition before = Conditions.find(previous.getConditions(), ConditionType.ROLLED_BACK);
    if (before == null) {
      return Optional.empty();
    }
    boolean stillBack =
        "True".equals(before.getStatus())
            && (status.getUpdateRevision() == null
                || status.getUpdateRevision().equals(status.getLastStableRevision())
                || status.getUpdateRevision().equals(previous.getUpdateRevision()));
    return Optional.of(
        stillBack
            ? Conditions.of(
                ConditionType.ROLLED_BACK,
                "True",
                before.getReason(),
                before.getMessage(),
                generation)
            : Conditions.of(
                ConditionType.ROLLED_BACK,
                "False",
                ConditionReason.NEW_REVISION,
                "a new revision is being rolled out",
                generation));
  }

  private static int maxJobsOf(WorkerPod p) {
    Integer max = p.report().maxJobs();
    return max == null ? 1 : max;
  }

  /**
   * A learned schedule's profile, its closed slots: from this decision, or as it was when none was
   * made (an error kept the autoscaler from deciding; the days learned are not thrown away).
   */
  private static DemandProfileStatus demandProfile(
      AgentDeployment deployment, FleetView view, AgentDeploymentStatus previous, Instant now) {
    if (view.scaling().isPresent()) {
      DemandProfile profile = view.scaling().get().history().profile();
      return profile.learns() ? profile.closedBefore(now) : null;
    }
    boolean autoscaled = deployment.getSpec() != null && deployment.getSpec().autoscaled();
    return autoscaled ? previous.getDemandProfile() : null;
  }

  private static Condition scalingLimited(ScaleDecision d, Long generation) {
    return switch (d.limit()) {
      case MIN ->
          Conditions.of(
              ConditionType.SCALING_LIMITED,
              "True",
              ConditionReason.TOO_FEW_REPLICAS,
              "held at %d by minReplicas or a schedule".formatted(d.replicas()),
              generation);
      case MAX ->
          Conditions.of(
              ConditionType.SCALING_LIMITED,
              "True",
              ConditionReason.TOO_MANY_REPLICAS,
              "held at %d by maxReplicas".formatted(d.replicas()),
              generation);
      default ->
          Conditions.of(
              ConditionType.SCALING_LIMITED,
              "False",
              ConditionReason.DESIRED_WITHIN_RANGE,
              "the desired count is within bounds",
              generation);
    };
  }

  private static Condition progressing(
      boolean paused,
      boolean rolledOut,
      String updateRevision,
      int updatedReady,
      int desired,
      List<WorkerPod> live,
      String updateHash,
      Long generation) {
    if (paused) {
      return Conditions.of(
          ConditionType.PROGRESSING,
          "Unknown",
          ConditionReason.PAUSED,
          "spec.paused is true: pods are left as they are",
          generation);
    }
    if (rolledOut) {
      return Conditions.of(
          ConditionType.PROGRESSING,
          "True",
          ConditionReason.NEW_REVISION_AVAILABLE,
          "revision %s runs on all %d workers".formatted(updateRevision, desired),
          generation);
    }
    long old = live.stream().filter(p -> !p.revision().equals(updateHash)).count();
    if (updateRevision == null) {
      // Nothing of the current template is stored yet (the spec could not be acted on, or its
      // revision is still being written): there is no revision to name.
      return Conditions.of(
          ConditionType.PROGRESSING,
          "True",
          ConditionReason.ROLLOUT_IN_PROGRESS,
          "no revision of the current template written yet; %d workers running".formatted(old),
          generation);
    }
    return Conditions.of(
        ConditionType.PROGRESSING,
        "True",
        ConditionReason.ROLLOUT_IN_PROGRESS,
        "%d of %d workers ready on revision %s, %d old still running"
            .formatted(updatedReady, desired, updateRevision, old),
        generation);
  }
}
