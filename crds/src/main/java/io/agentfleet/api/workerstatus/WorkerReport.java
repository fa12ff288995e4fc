package io.agentfleet.api.workerstatus;

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

  /**
   * Whether the worker's readiness says it is registered with LiveKit. Ours answers {@code /ready}
   * only once registered; Node's {@code @livekit/agents} answers {@code /} with 503 until
   * connected. Python's {@code livekit-agents} answers {@code /} with 200 while it still connects,
   * and says nothing of its registration anywhere else: its reports are the ones with a load
   * ({@code worker_load}, left out when zero, read as 0.0) in the {@code livekit-agents} format.
   */
  public boolean signalsRegistration() {
    return format != WorkerStatusFormat.LIVEKIT_AGENTS || load == null;
  }

  /** Can take a call now, as far as the worker itself says. */
  public boolean acceptsCalls() {
    return !full && !draining;
  }
}
