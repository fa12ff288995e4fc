package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;

/**
 * One answer of a worker's status endpoint, in the same terms whatever the worker.
 *
 * @param load the LiveKit load (0..1) the worker reports, or null when it reports none (Node)
 * @param full the worker tells LiveKit it takes no more jobs (status full, or draining)
 * @param jobsSucceeded our worker's counter; null for workers that do not count
 * @param format which worker answered
 */
public record WorkerReport(
    int activeJobs,
    Double load,
    boolean full,
    boolean draining,
    Integer maxJobs,
    Long jobsSucceeded,
    Long jobsFailed,
    WorkerStatusFormat format) {

  public static WorkerReport idle(WorkerStatusFormat format) {
    return new WorkerReport(0, 0.0, false, false, null, null, null, format);
  }

  /**
   * The load to plan with. Workers that report none (Node's {@code @livekit/agents}) are charged by
   * their calls: each call counts as {@code 1 / callsPerWorker} of a worker.
   */
  public double effectiveLoad(int callsPerWorker) {
    if (load != null) {
      return load;
    }
    return Math.min(1.0, activeJobs / (double) Math.max(1, callsPerWorker));
  }

  /** Can take a call now, as far as the worker itself says. */
  public boolean acceptsCalls() {
    return !full && !draining;
  }
}
