package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reads the rollout's inputs from the resource and reports its milestones as Events. */
public final class RolloutStep {

  private final EventRecorder events;

  public RolloutStep(EventRecorder events) {
    this.events = events;
  }

  /** The last stable revision; before any rollout completed, the one running now. */
  public static String stableRevision(AgentDeployment deployment) {
    AgentDeploymentStatus status = deployment.getStatus();
    if (status == null) {
      return null;
    }
    return status.getLastStableRevision() != null
        ? status.getLastStableRevision()
        : status.getCurrentRevision();
  }

  /**
   * What the planner decides from: the spec, the fleet, and the rollout's memory in status.
   *
   * @param replicas the fleet's size as decided this reconcile (the autoscaler's, or the spec's)
   * @param blocked the update template is one an automatic rollback left
   */
  public static RolloutInput input(
      AgentDeployment deployment,
      int replicas,
      String hash,
      List<WorkerPod> workers,
      boolean blocked,
      Instant now) {
    AgentDeploymentSpec spec = deployment.getSpec();
    AgentDeploymentStatus status = deployment.getStatus();
    RolloutState state = null;
    if (status != null && status.getRollout() != null && status.getUpdateRevision() != null) {
      RolloutStatus r = status.getRollout();
      state =
          new RolloutState(
              RevisionStep.hashOf(status.getUpdateRevision()),
              r.getStep() == null ? 0 : r.getStep(),
              instant(r.getStartedAt(), now),
              instant(r.getStepStartedAt(), now),
              r.getProgressedAt() == null ? null : instant(r.getProgressedAt(), now),
              r.getUpdatedAvailable() == null ? 0 : r.getUpdatedAvailable(),
              r.getPromoted());
    }
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    return new RolloutInput(
        replicas,
        hash,
        workers,
        spec.getStrategy(),
        state,
        Boolean.TRUE.equals(spec.getPaused()),
        annotations == null ? null : annotations.get(AgentDeploymentAnnotations.PROMOTE),
        Duration.ofSeconds(spec.progressDeadline()),
        blocked,
        now);
  }

  private static Instant instant(String text, Instant fallback) {
    try {
      return text == null ? fallback : Instant.parse(text);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /** Events for rollout milestones, each once: a step done, the deadline missed, completion. */
  public void reportProgress(AgentDeployment deployment, RolloutPlan plan, Revision update) {
    RolloutStatus before =
        deployment.getStatus() == null ? null : deployment.getStatus().getRollout();
    String phaseBefore = before == null ? null : before.getPhase();
    if (plan.stepCompleted()) {
      events.normal(
          deployment,
          EventReason.RolloutStepCompleted,
          "Canary of %s at step %d, weight %d%%"
              .formatted(update.name(), plan.state().step(), plan.weight()));
    }
    if (plan.phase() == RolloutPhase.Failed && !RolloutPhase.Failed.is(phaseBefore)) {
      events.warning(deployment, EventReason.ProgressDeadlineExceeded, plan.message());
    }
    if (plan.phase() == RolloutPhase.Completed
        && phaseBefore != null
        && !RolloutPhase.Completed.is(phaseBefore)) {
      events.normal(
          deployment,
          EventReason.RolloutCompleted,
          "Revision %d (%s) runs on every worker".formatted(update.number(), update.name()));
    }
  }
}
