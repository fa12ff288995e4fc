package io.agentfleet.operator.status;

import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.rollout.RolloutPlan;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the status is computed from: the pods as observed (with their workers' reports), the update
 * revision, and what the planners decided this time.
 *
 * @param updateRevision name of the ControllerRevision of the current spec.template
 * @param updateHash its template hash, as on the pods' revision label
 * @param lastScaleTime when the autoscaler last changed spec.replicas, if ever
 * @param rollout the rollout plan of this reconcile, absent when none was made
 * @param lastStableRevision where an automatic rollback would return to
 * @param rolledBack why the update revision was just rolled back, if it was
 */
public record FleetView(
    List<WorkerPod> pods,
    String updateRevision,
    String updateHash,
    Optional<ScaleDecision> scaling,
    Optional<Instant> lastScaleTime,
    Optional<RolloutPlan> rollout,
    String lastStableRevision,
    Optional<String> rolledBack) {

  public static FleetView of(List<WorkerPod> pods, String updateRevision, String updateHash) {
    return new FleetView(
        pods,
        updateRevision,
        updateHash,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        null,
        Optional.empty());
  }

  /** The same decisions over the fleet as it is after the writes. */
  public FleetView withPods(List<WorkerPod> fleet) {
    return new FleetView(
        fleet,
        updateRevision,
        updateHash,
        scaling,
        lastScaleTime,
        rollout,
        lastStableRevision,
        rolledBack);
  }
}
