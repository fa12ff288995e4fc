package io.agentfleet.sandbox.calls;

/** Where a call stands, or how it ended. */
public enum CallOutcome {
  /** Dispatched; no worker has taken it yet. */
  WAITING,
  /** An agent is in the call. */
  IN_CALL,
  /** Ended by the agent after its full length. */
  COMPLETED,
  /** Ended by the agent before its length was up (e.g. the job was terminated). */
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
}
