package io.agentfleet.operator.fleetplan;

import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.placement.Placement;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.RevisionPlan;
import io.agentfleet.operator.rollout.RolloutPlan;
import io.agentfleet.operator.status.FleetView;
import io.agentfleet.operator.status.Trouble;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.Optional;

/**
 * What one reconcile does, decided before anything is written. With {@link #trouble} nothing is
 * written but the status; otherwise {@link #writes} says what.
 *
 * @param view what the status is computed from (its pods are replaced by the fleet after the
 *     writes)
 * @param trouble what makes the deployment Degraded; a warning (the fleet still runs) or a reason
 *     to write nothing
 * @param writes the writes, absent when the spec or its Secret is unusable
 * @param resync when to look again without an event
 */
public record FleetPlan(
    FleetView view, Optional<Trouble> trouble, Optional<Writes> writes, Resync resync) {

  /**
   * The writes, applied in this order: the size, the revisions, dispatches made again, then either
   * the rollback or the pods (created, drained) with their eviction marks.
   *
   * @param scaling the autoscaler's decision; absent when the deployment is not autoscaled
   * @param effective the pod template with the operator's additions, for new pods
   * @param hash the effective template's hash: the update revision's
   * @param rollback why the update revision is rolled back to {@code stableRevision}, if it is
   */
  public record Writes(
      Optional<ScaleDecision> scaling,
      RevisionPlan revisions,
      Placement placement,
      RolloutPlan rollout,
      PodTemplateSpec effective,
      String hash,
      Revision update,
      Optional<String> rollback,
      String stableRevision) {}

  /** When the reconcile looks again with no event to wake it. */
  public enum Resync {
    /** Only on the next event or the controller's maximum interval. */
    NONE,
    /** Right after a rollback wrote the stable template back. */
    SOON,
    /** At the autoscaler's pace: the fleet or its demand is moving. */
    REGULAR
  }
}
