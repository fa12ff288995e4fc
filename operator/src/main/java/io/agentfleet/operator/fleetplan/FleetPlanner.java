package io.agentfleet.operator.fleetplan;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.operator.autoscale.Autoscaler;
import io.agentfleet.operator.autoscale.FleetSample;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.autoscale.ScalingPolicy;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.fleetplan.FleetPlan.Resync;
import io.agentfleet.operator.fleetplan.FleetPlan.Writes;
import io.agentfleet.operator.placement.Placement;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.RevisionHistory;
import io.agentfleet.operator.revision.RevisionPlan;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.revision.TemplateHash;
import io.agentfleet.operator.rollout.RollbackGuards;
import io.agentfleet.operator.rollout.RolloutPlan;
import io.agentfleet.operator.rollout.RolloutPlanner;
import io.agentfleet.operator.rollout.RolloutStep;
import io.agentfleet.operator.spec.SpecCheck;
import io.agentfleet.operator.status.FleetView;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.PodNames;
import io.agentfleet.operator.workers.PodRenderer;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile's decisions, as a pure function of its {@link Snapshot}: the spec checked, the
 * autoscaler's size, the revision bookkeeping, the dispatches to make again, the rollout planned at
 * the decided size, and the rollback guard — in that order, each fed what the one before decided.
 * Nothing here reads or writes the cluster.
 */
public final class FleetPlanner {

  private FleetPlanner() {}

  public static FleetPlan plan(Snapshot snapshot) {
    AgentDeployment deployment = snapshot.deployment();
    List<WorkerPod> workers = snapshot.workers();
    FleetView before = previousView(deployment.getStatus(), workers);
    if (!snapshot.specProblems().isEmpty()) {
      return troubled(before, EventReason.InvalidSpec, String.join("; ", snapshot.specProblems()));
    }
    if (snapshot.credentials().isPresent()) {
      return new FleetPlan(before, snapshot.credentials(), Optional.empty(), Resync.NONE);
    }
    Snapshot.Reads reads =
        snapshot
            .reads()
            .orElseThrow(() -> new IllegalArgumentException("a usable spec was not read"));
    AgentDeploymentSpec spec = deployment.getSpec();
    Instant now = snapshot.now();

    // Calls the LiveKit server could not place: demand, and dispatched again once a worker can
    // take them, autoscaled or not.
    int available = (int) workers.stream().filter(WorkerPod::available).count();
    Placement placement =
        Placement.plan(
            reads.dispatches(),
            Objects.requireNonNullElse(spec.getAgentName(), ""),
            available,
            now);

    Optional<Trouble> outage = LiveKitOutage.of(workers, spec.getLivekit().getUrl(), now);
    int replicas = Objects.requireNonNullElse(spec.getReplicas(), 0);
    Optional<ScaleDecision> scaling = Optional.empty();
    if (spec.autoscaled()) {
      ScalingPolicy policy;
      try {
        policy = ScalingPolicy.from(spec.getAutoscaling());
      } catch (IllegalArgumentException e) {
        // Before any revision is planned: an unusable autoscaling spec stores nothing.
        return troubled(before, EventReason.InvalidSpec, e.getMessage());
      }
      FleetSample sample =
          new FleetSample(
              replicas, workers, reads.expectedCalls(), placement.waiting(), outage.isPresent());
      ScaleDecision decision = Autoscaler.decide(policy, sample, reads.history(), now);
      scaling = Optional.of(decision);
      replicas = decision.replicas();
    }

    PodTemplateSpec effective = PodRenderer.effectiveTemplate(deployment, reads.configChecksum());
    String hash = TemplateHash.of(effective);
    RevisionPlan revisions = revisions(deployment, hash, workers, reads);
    Revision update = revisions.update();
    boolean blocked = reads.revisions().rolledBack().contains(hash);

    RolloutPlan rollout =
        RolloutPlanner.plan(RolloutStep.input(deployment, replicas, hash, workers, blocked, now));
    String stable = RolloutStep.stableRevision(deployment);
    Optional<String> rollback =
        RollbackGuards.shouldRollBack(
            spec.getRollback(), rollout, workers, hash, stable, RevisionStep.hashOf(stable));
    if (rollback.isEmpty() && outage.isEmpty()) {
      rollout = replacingStuck(rollout, workers, hash, now);
    }
    Optional<Instant> scaledAt = scaling.filter(ScaleDecision::changes).map(d -> now);
    Writes writes =
        new Writes(
            scaling, revisions, placement, rollout, effective, hash, update, rollback, stable);
    boolean completed = rollout.phase() == RolloutPhase.Completed;
    RolloutPlan reported =
        rollback.isEmpty()
            ? rollout
            : new RolloutPlan(
                0,
                List.of(),
                RolloutPhase.RolledBack,
                rollout.state(),
                rollout.weight(),
                false,
                rollout.deadlineExceeded(),
                "rolled back to " + stable + ": " + rollback.get());
    FleetView view =
        new FleetView(
            workers,
            update.name(),
            hash,
            scaling,
            scaledAt,
            Optional.of(reported),
            rollback.isPresent() ? stable : completed && !blocked ? update.name() : null,
            rollback);
    if (rollback.isPresent()) {
      return new FleetPlan(view, Optional.empty(), Optional.of(writes), Resync.SOON);
    }
    List<String> warnings = SpecCheck.warnings(spec);
    Optional<Trouble> warning =
        outage.isPresent() || warnings.isEmpty()
            ? outage
            : Optional.of(
                new Trouble(
                    EventReason.GracePeriodShorterThanDrain.name(), String.join("; ", warnings)));
    Resync resync =
        spec.autoscaled()
                || !completed
                || placement.unresolved()
                || LiveKitOutage.suspected(workers)
            ? Resync.REGULAR
            : Resync.NONE;
    return new FleetPlan(view, warning, Optional.of(writes), resync);
  }

  /**
   * Outside a rollout (every live worker on the update revision) with nothing else to do, one
   * worker stuck not ready is replaced. Within one, the rollback guards and the progress deadline
   * judge new workers that do not come up.
   */
  private static RolloutPlan replacingStuck(
      RolloutPlan rollout, List<WorkerPod> workers, String hash, Instant now) {
    boolean oneRevision =
        workers.stream().filter(WorkerPod::live).allMatch(w -> w.revision().equals(hash));
    if (!oneRevision || !rollout.changesNothing()) {
      return rollout;
    }
    return StuckWorkers.toReplace(workers, hash, now)
        .map(
            stuck ->
                new RolloutPlan(
                    1,
                    List.of(stuck),
                    rollout.phase(),
                    rollout.state(),
                    rollout.weight(),
                    false,
                    false,
                    StuckWorkers.reason(stuck, now)))
        .orElse(rollout);
  }

  private static FleetPlan troubled(FleetView view, EventReason reason, String message) {
    return new FleetPlan(
        view, Optional.of(new Trouble(reason.name(), message)), Optional.empty(), Resync.NONE);
  }

  /** The status as the last reconcile left it, for a reconcile that plans nothing. */
  public static FleetView previousView(AgentDeploymentStatus status, List<WorkerPod> workers) {
    String name = status == null ? null : status.getUpdateRevision();
    return FleetView.of(workers, name, RevisionStep.hashOf(name));
  }

  /**
   * The revision bookkeeping: revisions still running pods, the current and the last stable one
   * stay, whatever the history limit.
   */
  private static RevisionPlan revisions(
      AgentDeployment deployment, String hash, List<WorkerPod> workers, Snapshot.Reads reads) {
    Set<String> inUse = new HashSet<>();
    workers.forEach(p -> inUse.add(p.revision()));
    AgentDeploymentStatus previous = deployment.getStatus();
    if (previous != null && previous.getCurrentRevision() != null) {
      inUse.add(RevisionStep.hashOf(previous.getCurrentRevision()));
    }
    if (previous != null && previous.getLastStableRevision() != null) {
      inUse.add(RevisionStep.hashOf(previous.getLastStableRevision()));
    }
    return RevisionHistory.plan(
        reads.revisions().revisions(),
        hash,
        PodNames.revision(deployment.getMetadata().getName(), hash),
        inUse,
        deployment.getSpec().historyLimit());
  }
}
