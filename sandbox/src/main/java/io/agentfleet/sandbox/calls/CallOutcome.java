package io.agentfleet.sandbox.calls;

/** Where a call stands, or how it ended. */
public enum CallOutcome {
  /** Dispatched; no worker has taken it yet. */
  WAITING,
  /** A worker's agent is in the call. */
  IN_CALL,
  /** The agent ended the job as a success after the call's full length. */
  COMPLETED,
  /**
   * Completed, but the job was placed more than {@link CallRecord#LATE} after the dispatch: the
   * caller waited for a worker.
   */
  COMPLETED_LATE,
  /** The agent ended the job as a success before the call's length was up. */
  ENDED_EARLY,
  /** The agent reported the job as failed. */
  FAILED,
  /** The worker holding the call went away mid-call: killed, crashed or disconnected. */
  DROPPED,
  /** No worker ever took it. */
  NEVER_PLACED;

  public boolean ended() {
    return this != WAITING && this != IN_CALL;
  }

  /** The call ran its full length with its agent. */
  public boolean completed() {
    return this == COMPLETED || this == COMPLETED_LATE;
  }
}
