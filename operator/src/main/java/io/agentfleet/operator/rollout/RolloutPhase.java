package io.agentfleet.operator.rollout;

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
  RolledBack
}
