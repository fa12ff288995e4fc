package io.agentfleet.operator.workers;

import io.agentfleet.api.workerstatus.WorkerReport;
import java.time.Instant;

/**
 * What the planners need to know about one worker pod.
 *
 * @param terminating the pod has a deletionTimestamp: it is draining, not capacity
 * @param finished the pod's containers exited for good (phase Succeeded or Failed)
 * @param report the worker's latest status report; null when unknown (not polled yet, not
 *     answering, or answering garbage)
 * @param restarts container restarts the kubelet counted: a crash-looping worker shows here
 * @param unreadySince when a pod that is not ready last stopped being ready, by its Ready
 *     condition; null when it is ready or the condition gives no time
 */
public record WorkerPod(
    String name,
    String revision,
    boolean ready,
    boolean terminating,
    boolean finished,
    Instant created,
    WorkerReport report,
    int restarts,
    Instant unreadySince) {

  public WorkerPod(
      String name,
      String revision,
      boolean ready,
      boolean terminating,
      boolean finished,
      Instant created,
      WorkerReport report,
      int restarts) {
    this(name, revision, ready, terminating, finished, created, report, restarts, null);
  }

  public WorkerPod(
      String name,
      String revision,
      boolean ready,
      boolean terminating,
      boolean finished,
      Instant created,
      WorkerReport report) {
    this(name, revision, ready, terminating, finished, created, report, 0);
  }

  public WorkerPod(
      String name,
      String revision,
      boolean ready,
      boolean terminating,
      boolean finished,
      Instant created) {
    this(name, revision, ready, terminating, finished, created, null);
  }

  /** Counts towards the fleet: may serve calls now or soon. */
  public boolean live() {
    return !terminating && !finished;
  }

  public boolean known() {
    return report != null;
  }

  /**
   * Can take a new call now: ready, and not saying it is full or draining. A ready worker that does
   * not report counts as available, so that nothing is removed on the hope it is not.
   */
  public boolean available() {
    return live() && ready && (report == null || report.acceptsCalls());
  }

  public int activeJobs() {
    return report == null ? 0 : report.activeJobs();
  }

  public WorkerPod withReport(WorkerReport newReport) {
    return new WorkerPod(
        name, revision, ready, terminating, finished, created, newReport, restarts, unreadySince);
  }
}
