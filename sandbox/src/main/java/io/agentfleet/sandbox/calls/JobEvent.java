package io.agentfleet.sandbox.calls;

import java.time.Instant;

/**
 * What the LiveKit server reports about a call's job: it placed the job on a worker, the worker
 * reported the job's end, or the worker went away.
 *
 * @param room the job's room (PLACED)
 * @param jobId the job (PLACED, ENDED)
 * @param workerId the worker (PLACED, WORKER_GONE)
 * @param end how the job ended (ENDED)
 */
public record JobEvent(Kind kind, String room, String jobId, String workerId, End end, Instant at) {

  public enum Kind {
    PLACED,
    ENDED,
    WORKER_GONE
  }

  /** How a job ended, as the server recorded it. */
  public enum End {
    /** The worker reported success. */
    SUCCESS,
    /**
     * The agent's participant left the room, and the server ended the job for it. The server
     * records this as {@code JS_FAILED "agent worker left the room"}, but it is how the Python and
     * Node SDKs end every job: they leave the room and report nothing (Node) or report only after
     * the server already ended it (Python). Whether the call ran its length tells the rest.
     */
    AGENT_LEFT,
    /** The worker reported the job as failed. */
    FAILED
  }

  public static JobEvent placed(String room, String jobId, String workerId, Instant at) {
    return new JobEvent(Kind.PLACED, room, jobId, workerId, null, at);
  }

  public static JobEvent ended(String jobId, End end, Instant at) {
    return new JobEvent(Kind.ENDED, null, jobId, null, end, at);
  }

  public static JobEvent workerGone(String workerId, Instant at) {
    return new JobEvent(Kind.WORKER_GONE, null, null, workerId, null, at);
  }
}
