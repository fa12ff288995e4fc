package io.agentfleet.operator.rollout;

import java.time.Instant;

/**
 * The rollout's memory, kept in status.rollout between reconciles.
 *
 * @param revision the update revision this state is about; a different one starts a new rollout
 * @param step index of the canary step being run
 * @param stepStartedAt when that step began (timed pauses count from here)
 * @param progressedAt last progress; the deadline counts from here. Null while the clock is
 *     stopped: paused, or only waiting for old workers' calls to end
 * @param updatedAvailable new-revision workers available last time (to see progress)
 * @param promoted the promote annotation value already acted on
 */
public record RolloutState(
    String revision,
    int step,
    Instant startedAt,
    Instant stepStartedAt,
    Instant progressedAt,
    int updatedAvailable,
    String promoted) {

  public static RolloutState start(String revision, Instant now, String promoted) {
    return new RolloutState(revision, 0, now, now, now, 0, promoted);
  }
}
