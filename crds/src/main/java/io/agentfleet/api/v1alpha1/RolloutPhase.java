package io.agentfleet.api.v1alpha1;

/** Where a rollout stands; the names appear in status.rollout.phase. */
public enum RolloutPhase {
  /** Every worker runs the update revision. */
  Completed,
  Progressing,
  /** spec.paused, or a canary pause step. */
  Paused,
  /** Missed its progress deadline; still trying unless rolled back. */
  Failed,
  /** The update revision was rolled back; the fleet returns to the last stable one. */
  RolledBack;

  /** Whether {@code status.rollout.phase} (which may be null) is this phase. */
  public boolean is(String phase) {
    return name().equals(phase);
  }
}
