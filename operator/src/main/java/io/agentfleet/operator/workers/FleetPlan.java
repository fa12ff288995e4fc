package io.agentfleet.operator.workers;

import java.util.List;

/**
 * Pod changes for one reconcile.
 *
 * @param create how many pods of the update revision to add
 * @param remove pods to delete, in victim order; deletion is how a worker is drained
 * @param reason why, in words, for logs and Events
 */
public record FleetPlan(int create, List<WorkerPod> remove, String reason) {

  public static FleetPlan hold(String reason) {
    return new FleetPlan(0, List.of(), reason);
  }

  public boolean changesNothing() {
    return create == 0 && remove.isEmpty();
  }
}
