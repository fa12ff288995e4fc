package io.agentfleet.operator.workers;

import java.util.Comparator;
import java.util.function.Predicate;

/**
 * The order in which surplus workers are removed, first victim first:
 *
 * <ol>
 *   <li>not ready before ready (a worker that cannot take calls is the cheapest to lose);
 *   <li>an old revision before the update revision;
 *   <li>newest before oldest (the least warmed-up);
 *   <li>by name, so that two reconciles of the same state pick the same pods.
 * </ol>
 *
 * Which workers are busy is not known yet here; the job-aware order (idle first, fewest calls)
 * comes with worker status collection.
 */
public final class VictimOrder {

  private VictimOrder() {}

  public static Comparator<WorkerPod> forUpdateRevision(String updateRevision) {
    Predicate<WorkerPod> old = p -> !p.revision().equals(updateRevision);
    return Comparator.<WorkerPod, Boolean>comparing(WorkerPod::ready)
        .thenComparing(p -> !old.test(p))
        .thenComparing(WorkerPod::created, Comparator.reverseOrder())
        .thenComparing(WorkerPod::name);
  }
}
