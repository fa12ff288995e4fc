package io.agentfleet.cli.rollout;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a rollout stands, read from the AgentDeployment alone: what {@code rollout status} prints
 * and how it exits. A pure function, so every phase and condition is tested without a server.
 *
 * <p>The order of the checks matters: a status written for an older generation says nothing about
 * the current spec; a failure outranks everything the status also says about progress.
 */
public record RolloutProgress(Outcome outcome, String message) {

  public enum Outcome {
    COMPLETE,
    FAILED,
    IN_PROGRESS
  }

  public static RolloutProgress of(AgentDeployment deployment) {
    String name = deployment.getMetadata().getName();
    String quoted = "agentdeployment \"" + name + "\"";
    AgentDeploymentStatus status = deployment.getStatus();
    Long generation = deployment.getMetadata().getGeneration();
    if (status == null
        || status.getObservedGeneration() == null
        || (generation != null && status.getObservedGeneration() < generation)) {
      return waiting("Waiting for " + quoted + " spec update to be observed...");
    }
    RolloutStatus rollout = status.getRollout() == null ? new RolloutStatus() : status.getRollout();
    Condition progressing = condition(status, ConditionType.PROGRESSING);
    if (progressing != null && "False".equals(progressing.getStatus())) {
      String why =
          ConditionReason.PROGRESS_DEADLINE_EXCEEDED.equals(progressing.getReason())
              ? quoted + " exceeded its progress deadline"
              : "rollout of " + quoted + " is not progressing (" + progressing.getReason() + ")";
      return failed(why, firstOf(progressing.getMessage(), rollout.getMessage()));
    }
    if (RolloutPhase.Failed.is(rollout.getPhase())) {
      return failed("rollout of " + quoted + " failed", rollout.getMessage());
    }
    if (RolloutPhase.RolledBack.is(rollout.getPhase())) {
      Condition rolledBack = condition(status, ConditionType.ROLLED_BACK);
      return failed(
          "rollout of " + quoted + " was rolled back",
          firstOf(rollout.getMessage(), rolledBack == null ? null : rolledBack.getMessage()));
    }
    if (RolloutPhase.Completed.is(rollout.getPhase())
        || (rollout.getPhase() == null && settled(status))) {
      return new RolloutProgress(Outcome.COMPLETE, quoted + " successfully rolled out");
    }
    if (RolloutPhase.Paused.is(rollout.getPhase())) {
      return waiting(paused(deployment, rollout, quoted));
    }
    return waiting(
        "Waiting for rollout of "
            + quoted
            + " to finish: "
            + String.join(", ", counts(deployment))
            + "...");
  }

  public boolean finished() {
    return outcome != Outcome.IN_PROGRESS;
  }

  /** Without a rollout status (an operator that predates rollouts): kubectl's own test. */
  private static boolean settled(AgentDeploymentStatus s) {
    int updated = orZero(s.getUpdatedReplicas());
    return s.getUpdateRevision() != null
        && s.getUpdateRevision().equals(s.getCurrentRevision())
        && updated == orZero(s.getReplicas())
        && orZero(s.getReadyReplicas()) >= updated;
  }

  private static String paused(AgentDeployment deployment, RolloutStatus rollout, String quoted) {
    String name = deployment.getMetadata().getName();
    AgentDeploymentSpec spec = deployment.getSpec();
    String counts = String.join(", ", counts(deployment));
    if (spec != null && Boolean.TRUE.equals(spec.getPaused())) {
      return "Rollout of "
          + quoted
          + " is paused (spec.paused): "
          + counts
          + "; continue with: kubectl agents rollout resume "
          + name;
    }
    String pause = "";
    CanaryStep step = step(spec, rollout.getStep());
    if (step != null && step.getPause() != null && step.getPause().getSeconds() != null) {
      pause = " for " + step.getPause().getSeconds() + "s";
    }
    return "Rollout of "
        + quoted
        + " is paused"
        + pause
        + " at "
        + canary(spec, rollout)
        + ": "
        + counts
        + "; continue with: kubectl agents rollout promote "
        + name;
  }

  /**
   * e.g. "canary step 2 of 4 (weight 25%)": steps are 0-based in status, 1-based here. Past the
   * last step the operator is bringing the rest of the workers over: "canary steps done".
   */
  static String canary(AgentDeploymentSpec spec, RolloutStatus rollout) {
    int total = steps(spec).size();
    Integer step = rollout.getStep();
    StringBuilder out = new StringBuilder();
    if (step != null && total > 0 && step >= total) {
      out.append("canary steps done");
    } else {
      out.append("canary step ").append(step == null ? "?" : String.valueOf(step + 1));
      if (total > 0) {
        out.append(" of ").append(total);
      }
    }
    if (rollout.getWeight() != null) {
      out.append(" (weight ").append(rollout.getWeight()).append("%)");
    }
    return out.toString();
  }

  private static List<String> counts(AgentDeployment deployment) {
    AgentDeploymentStatus s = deployment.getStatus();
    RolloutStatus rollout = s.getRollout() == null ? new RolloutStatus() : s.getRollout();
    List<String> parts = new ArrayList<>();
    // The operator also numbers the single step of a rolling update; only a canary's steps mean
    // something to the reader.
    if (canary(deployment.getSpec())
        && rollout.getStep() != null
        && !RolloutPhase.Paused.is(rollout.getPhase())) {
      parts.add(canary(deployment.getSpec(), rollout));
    }
    int desired = desired(deployment);
    parts.add(orZero(s.getUpdatedReplicas()) + " of " + desired + " workers updated");
    parts.add(orZero(s.getReadyReplicas()) + " ready");
    int draining = orZero(rollout.getDrainingOldWorkers());
    if (draining > 0) {
      int calls = orZero(rollout.getDrainingOldCalls());
      parts.add(
          draining
              + (draining == 1 ? " old worker" : " old workers")
              + " draining with "
              + calls
              + (calls == 1 ? " call" : " calls"));
    }
    return parts;
  }

  public static boolean canary(AgentDeploymentSpec spec) {
    return spec != null
        && spec.getStrategy() != null
        && spec.getStrategy().getType() == StrategyType.CANARY;
  }

  private static int desired(AgentDeployment deployment) {
    AgentDeploymentStatus s = deployment.getStatus();
    if (s.getDesiredReplicas() != null) {
      return s.getDesiredReplicas();
    }
    AgentDeploymentSpec spec = deployment.getSpec();
    return spec == null || spec.getReplicas() == null ? 0 : spec.getReplicas();
  }

  private static CanaryStep step(AgentDeploymentSpec spec, Integer index) {
    List<CanaryStep> steps = steps(spec);
    return index == null || index < 0 || index >= steps.size() ? null : steps.get(index);
  }

  private static List<CanaryStep> steps(AgentDeploymentSpec spec) {
    if (spec == null
        || spec.getStrategy() == null
        || spec.getStrategy().getCanary() == null
        || spec.getStrategy().getCanary().getSteps() == null) {
      return List.of();
    }
    return spec.getStrategy().getCanary().getSteps();
  }

  static Condition condition(AgentDeploymentStatus status, String type) {
    if (status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> Objects.equals(type, c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static RolloutProgress waiting(String message) {
    return new RolloutProgress(Outcome.IN_PROGRESS, message);
  }

  private static RolloutProgress failed(String what, String why) {
    return new RolloutProgress(
        Outcome.FAILED, why == null || why.isBlank() ? what : what + ": " + why);
  }

  private static String firstOf(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
