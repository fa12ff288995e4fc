package io.agentfleet.operator.status;

import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the status is computed from: the pods as observed (with their workers' reports), the update
 * revision, and, for autoscaled deployments, the latest scale decision.
 *
 * @param updateRevision name of the ControllerRevision of the current spec.template
 * @param updateHash its template hash, as on the pods' revision label
 * @param lastScaleTime when the autoscaler last changed spec.replicas, if ever
 */
public record FleetView(
    List<WorkerPod> pods,
    String updateRevision,
    String updateHash,
    Optional<ScaleDecision> scaling,
    Optional<Instant> lastScaleTime) {

  public static FleetView of(List<WorkerPod> pods, String updateRevision, String updateHash) {
    return new FleetView(pods, updateRevision, updateHash, Optional.empty(), Optional.empty());
  }
}
