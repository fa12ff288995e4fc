package io.agentfleet.operator.workers;

import java.time.Instant;

/**
 * What the planners need to know about one worker pod.
 *
 * @param terminating the pod has a deletionTimestamp: it is draining, not capacity
 * @param finished the pod's containers exited for good (phase Succeeded or Failed)
 */
public record WorkerPod(
    String name,
    String revision,
    boolean ready,
    boolean terminating,
    boolean finished,
    Instant created) {

  /** Counts towards the fleet: may serve calls now or soon. */
  public boolean live() {
    return !terminating && !finished;
  }
}
