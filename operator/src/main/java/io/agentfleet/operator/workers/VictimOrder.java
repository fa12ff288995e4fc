package io.agentfleet.operator.workers;

import java.util.Comparator;

/**
 * The order in which surplus workers are removed, first victim first. Removing means draining: the
 * pod is deleted, the worker stops taking calls and finishes the ones it has.
 *
 * <ol>
 *   <li>workers that never became ready and never reported (nothing to lose);
 *   <li>idle workers (reporting, no calls);
 *   <li>busy workers, fewest calls first;
 *   <li>workers whose status is unknown (ready but not answering): they may be carrying calls we
 *       cannot see, so they go last;
 * </ol>
 *
 * and within each group: an old revision before the update revision, not ready before ready, newest
 * before oldest, then by name so that two reconciles of the same state pick the same pods.
 */
public final class VictimOrder {

  private VictimOrder() {}

  static int group(WorkerPod p) {
    if (!p.known()) {
      return p.ready() ? 3 : 0;
    }
    return p.activeJobs() == 0 ? 1 : 2;
  }

  public static Comparator<WorkerPod> forUpdateRevision(String updateRevision) {
    return Comparator.comparingInt(VictimOrder::group)
        .thenComparingInt(WorkerPod::activeJobs)
        .thenComparing(p -> p.revision().equals(updateRevision))
        .thenComparing(WorkerPod::ready)
        .thenComparing(WorkerPod::created, Comparator.reverseOrder())
        .thenComparing(WorkerPod::name);
  }
}
