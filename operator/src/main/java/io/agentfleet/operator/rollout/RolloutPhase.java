package io.agentfleet.operator.rollout;

/**
 * Where a rollout stands, as the planner decides it. Each phase is written to status.rollout.phase
 * as the API's {@link io.agentfleet.api.v1alpha1.RolloutPhase}, which {@code kubectl agents} reads;
 * this enum stays only until its callers take the API's directly.
 */
public enum RolloutPhase {
  /** Every worker runs the update revision. */
  Completed(io.agentfleet.api.v1alpha1.RolloutPhase.Completed),
  Progressing(io.agentfleet.api.v1alpha1.RolloutPhase.Progressing),
  /** spec.paused, or a canary pause step. */
  Paused(io.agentfleet.api.v1alpha1.RolloutPhase.Paused),
  /** Missed its progress deadline; still trying unless rolled back. */
  Failed(io.agentfleet.api.v1alpha1.RolloutPhase.Failed),
  /** The update revision was rolled back; the fleet returns to the last stable one. */
  RolledBack(io.agentfleet.api.v1alpha1.RolloutPhase.RolledBack);

  private final io.agentfleet.api.v1alpha1.RolloutPhase api;

  RolloutPhase(io.agentfleet.api.v1alpha1.RolloutPhase api) {
    this.api = api;
  }

  /** The phase as status.rollout.phase names it. */
  public io.agentfleet.api.v1alpha1.RolloutPhase api() {
    return api;
  }
}
