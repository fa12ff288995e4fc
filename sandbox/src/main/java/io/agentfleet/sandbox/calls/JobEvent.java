package io.agentfleet.sandbox.calls;

import java.time.Instant;

/**
 * What the LiveKit server reports about a call's job: it placed the job on a worker, the worker
 * reported the job's end, or the worker went away.
 *
 * @param room the job's room (PLACED)
 * @param jobId the job (PLACED, ENDED)
 * @param workerId the worker (PLACED, WORKER_GONE)
 * @param succeeded the end status was success (ENDED)
 */
public record JobEvent(
    Kind kind, String room, String jobId, String workerId, boolean succeeded, Instant at) {

  public enum Kind {
    PLACED,
    ENDED,
    WORKER_GONE
  }

  public static JobEvent placed(String room, String jobId, String workerId, Instant at) {
    return new JobEvent(Kind.PLACED, room, jobId, workerId, false, at);
  }

  public static JobEvent ended(String jobId, boolean succeeded, Instant at) {
    return new JobEvent(Kind.ENDED, null, jobId, null, succeeded, at);
  }

  public static JobEvent workerGone(String workerId, Instant at) {
    return new JobEvent(Kind.WORKER_GONE, null, null, workerId, false, at);
  }
}
