package io.agentfleet.sandbox.calls;

import java.time.Duration;
import java.time.Instant;

/**
 * One synthetic call in the ledger. Times are when the ledger observed the change, within its poll
 * interval.
 *
 * @param workerId the devserver's id of the worker that took the call, or null
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
    CallOutcome outcome) {

  static CallRecord dispatched(
      String room, String dispatchId, String agentName, Duration length, Instant at) {
    return new CallRecord(
        room, dispatchId, agentName, length, at, null, null, null, CallOutcome.WAITING);
  }

  /**
   * The record after one look at the devserver; pure, so every way a call can end is testable.
   *
   * @param job the dispatch's job, or null when none was created yet
   * @param workerAlive whether the job's worker is still registered
   */
  CallRecord observe(DevServerState.JobView job, boolean workerAlive, Instant now) {
    if (outcome.ended() || job == null) {
      return this;
    }
    Instant joined = joinedAt == null ? now : joinedAt;
    String worker = job.workerId().isEmpty() ? workerId : job.workerId();
    return switch (job.status()) {
      case "JS_RUNNING" ->
          workerAlive
              ? with(joined, null, worker, CallOutcome.IN_CALL)
              : with(joined, now, worker, CallOutcome.DROPPED);
      case "JS_SUCCESS" ->
          with(
              joined,
              now,
              worker,
              Duration.between(joined, now).plusSeconds(1).compareTo(length) >= 0
                  ? CallOutcome.COMPLETED
                  : CallOutcome.ENDED_EARLY);
      case "JS_FAILED" -> with(joined, now, worker, CallOutcome.FAILED);
      default -> this;
    };
  }

  /** At the end of a run: a call nobody took was never placed. */
  CallRecord close() {
    return outcome == CallOutcome.WAITING
        ? with(joinedAt, null, workerId, CallOutcome.NEVER_PLACED)
        : this;
  }

  private CallRecord with(Instant joined, Instant ended, String worker, CallOutcome next) {
    return new CallRecord(
        room, dispatchId, agentName, length, dispatchedAt, joined, ended, worker, next);
  }
}
