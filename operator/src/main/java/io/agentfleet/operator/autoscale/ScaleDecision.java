package io.agentfleet.operator.autoscale;

/**
 * What the autoscaler wants, and why.
 *
 * @param replicas the spec.replicas to have
 * @param limit what held the answer back, if anything
 * @param reason in words, for the Event and the log
 * @param history the memory to keep for the next decision
 */
public record ScaleDecision(
    int current, int replicas, Limit limit, String reason, ScalingHistory history) {

  public enum Limit {
    NONE,
    /** minReplicas (or a schedule's) raised the answer. */
    MIN,
    /** A learned schedule raised the answer: the demand that came at this time before. */
    LEARNED,
    /** maxReplicas capped the answer. */
    MAX,
    /** A stabilization window held it. */
    STABILIZATION,
    /** A per-minute rate limit held it. */
    RATE,
    /** Some workers are not reporting, so no scale-down. */
    UNKNOWN_STATUS,
    /** A dispatch waits for a worker, so no scale-down. */
    WAITING_DISPATCHES,
    /** LiveKit is unreachable: the idle workers are the capacity its return needs. */
    LIVEKIT_UNREACHABLE
  }

  public boolean changes() {
    return replicas != current;
  }

  /** min or max bind: the condition ScalingLimited is about these. */
  public boolean boundByMinOrMax() {
    return limit == Limit.MIN || limit == Limit.MAX;
  }
}
