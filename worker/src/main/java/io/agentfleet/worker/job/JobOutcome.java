package io.agentfleet.worker.job;

/**
 * How a job ended.
 *
 * @param error empty on success
 */
public record JobOutcome(String jobId, boolean succeeded, String error) {
  public static JobOutcome success(String jobId) {
    return new JobOutcome(jobId, true, "");
  }

  public static JobOutcome failure(String jobId, String error) {
    return new JobOutcome(jobId, false, error == null || error.isEmpty() ? "failed" : error);
  }
}
