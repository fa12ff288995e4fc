package io.agentfleet.operator.autoscale;

import io.agentfleet.operator.workers.WorkerPod;
import java.util.List;

/**
 * What the autoscaler sees of a fleet at one moment.
 *
 * @param currentReplicas spec.replicas as it stands
 * @param workers every pod of the deployment, with its latest status report if any
 * @param expectedCalls calls announced by webhooks that no worker has picked up yet
 * @param waitingDispatches dispatches of this agent that the LiveKit server lists without a job: a
 *     call waits for a worker
 * @param livekitUnreachable every worker runs and none is registered with LiveKit: no call can
 *     arrive, so what the fleet carries says nothing about the demand
 */
public record FleetSample(
    int currentReplicas,
    List<WorkerPod> workers,
    int expectedCalls,
    int waitingDispatches,
    boolean livekitUnreachable) {

  public FleetSample(
      int currentReplicas, List<WorkerPod> workers, int expectedCalls, int waitingDispatches) {
    this(currentReplicas, workers, expectedCalls, waitingDispatches, false);
  }

  public FleetSample(int currentReplicas, List<WorkerPod> workers, int expectedCalls) {
    this(currentReplicas, workers, expectedCalls, 0);
  }
}
