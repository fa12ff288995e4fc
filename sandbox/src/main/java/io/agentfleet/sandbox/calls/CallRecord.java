package io.agentfleet.sandbox.calls;

import java.time.Duration;
import java.time.Instant;

/**
 * One synthetic call in the ledger. Times are the LiveKit server's, from its report of the call's
 * job ({@link ServerJobs}).
 *
 * @param workerId the LiveKit server's id of the worker that took the call, or null
 * @param agentGap how long the call was without an agent between its worker going away and a new
 *     agent's job being placed (a re-dispatch), or null when that never happened
 */
public record CallRecord(
    String room,
    String dispatchId,
    String agentName,
    Duration length,
    Instant dispatchedAt,
    Instant joinedAt,
    Instant endedAt,
    String workerId,
    CallOutcome outcome,
    Duration agentGap) {

  /** A job placed later than this after its dispatch was placed late. */
  public static final Duration LATE = Duration.ofSeconds(10);

  /** The agent's timer and the server's clock may differ by this much at the end of a call. */
  static final Duration END_SLACK = Duration.ofSeconds(1);

  static CallRecord dispatched(
      String room, String dispatchId, String agentName, Duration length, Instant at) {
    return new CallRecord(
        room, dispatchId, agentName, length, at, null, null, null, CallOutcome.WAITING, null);
  }

  /**
   * The record after one report about its job; pure, so every way a call ends is testable. The
   * ledger hands a record only the events of its own job or worker.
   */
  CallRecord observe(JobEvent event) {
    return switch (event.kind()) {
      case PLACED ->
          switch (outcome) {
            case WAITING -> with(event.at(), null, event.workerId(), CallOutcome.IN_CALL);
            case DROPPED -> resumed(event);
            default -> this;
          };
      case ENDED -> outcome == CallOutcome.IN_CALL ? ended(event) : this;
      case WORKER_GONE ->
          outcome == CallOutcome.IN_CALL
              ? with(joinedAt, event.at(), workerId, CallOutcome.DROPPED)
              : this;
    };
  }

  private CallRecord ended(JobEvent event) {
    if (event.end() == JobEvent.End.FAILED) {
      return with(joinedAt, event.at(), workerId, CallOutcome.FAILED);
    }
    Duration held = Duration.between(joinedAt, event.at());
    CallOutcome end =
        held.plus(END_SLACK).compareTo(length) < 0
            ? CallOutcome.ENDED_EARLY
            : late() ? CallOutcome.COMPLETED_LATE : CallOutcome.COMPLETED;
    return with(joinedAt, event.at(), workerId, end);
  }

  /**
   * A new job in the room of a call whose worker went away: the operator dispatched the call again
   * and it goes on with a new agent. Its length counts from the first agent, so a call resumed late
   * still ends early rather than completed.
   */
  private CallRecord resumed(JobEvent placed) {
    return new CallRecord(
        room,
        dispatchId,
        agentName,
        length,
        dispatchedAt,
        joinedAt,
        null,
        placed.workerId(),
        CallOutcome.IN_CALL,
        Duration.between(endedAt, placed.at()));
  }

  /** From dispatch to the job placed on a worker; null while it waits. */
  public Duration joinLatency() {
    return joinedAt == null ? null : Duration.between(dispatchedAt, joinedAt);
  }

  boolean late() {
    return joinedAt != null && joinLatency().compareTo(LATE) > 0;
  }

  /** At the end of a run: a call nobody took was never placed. */
  CallRecord close() {
    return outcome == CallOutcome.WAITING
        ? with(joinedAt, null, workerId, CallOutcome.NEVER_PLACED)
        : this;
  }

  private CallRecord with(Instant joined, Instant ended, String worker, CallOutcome next) {
    return new CallRecord(
        room, dispatchId, agentName, length, dispatchedAt, joined, ended, worker, next, agentGap);
  }
}
