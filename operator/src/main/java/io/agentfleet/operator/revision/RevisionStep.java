package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.workers.PodNames;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shell around {@link RevisionHistory}: reads the stored revisions and carries out its plan.
 */
public final class RevisionStep {

  private final ControllerRevisions revisions;
  private final EventRecorder events;

  public RevisionStep(ControllerRevisions revisions, EventRecorder events) {
    this.revisions = revisions;
    this.events = events;
  }

  /** Stores, renumbers and prunes revisions as the plan says; returns the update revision. */
  public RevisionBook record(AgentDeployment deployment, String hash, List<WorkerPod> pods) {
    String name = deployment.getMetadata().getName();
    Set<String> inUse = new HashSet<>();
    pods.forEach(p -> inUse.add(p.revision()));
    AgentDeploymentStatus previous = deployment.getStatus();
    if (previous != null && previous.getCurrentRevision() != null) {
      inUse.add(hashOf(previous.getCurrentRevision()));
    }
    if (previous != null && previous.getLastStableRevision() != null) {
      inUse.add(hashOf(previous.getLastStableRevision()));
    }
    List<ControllerRevision> stored = revisions.list(deployment);
    RevisionPlan plan =
        RevisionHistory.plan(
            ControllerRevisions.revisions(stored),
            hash,
            PodNames.revision(name, hash),
            inUse,
            deployment.getSpec().getRevisionHistoryLimit() == null
                ? 10
                : deployment.getSpec().getRevisionHistoryLimit());
    plan.create()
        .ifPresent(
            r -> {
              revisions.create(deployment, r, deployment.getSpec().getTemplate());
              events.normal(
                  deployment,
                  EventReason.NewRevision,
                  "Created revision %d (%s)".formatted(r.number(), r.name()));
            });
    plan.renumber()
        .ifPresent(
            r -> {
              revisions.renumber(deployment, r);
              events.normal(
                  deployment,
                  EventReason.NewRevision,
                  "Template of %s is back: it is now revision %d".formatted(r.name(), r.number()));
            });
    if (!plan.prune().isEmpty()) {
      plan.prune().forEach(r -> revisions.delete(deployment, r));
      events.normal(
          deployment,
          EventReason.RevisionsPruned,
          "Pruned revisions %s (revisionHistoryLimit)"
              .formatted(plan.prune().stream().map(r -> Long.toString(r.number())).toList()));
    }
    return new RevisionBook(plan.update(), ControllerRevisions.rolledBack(stored).contains(hash));
  }

  /** A revision's template hash, from its name {@code <deployment>-<hash>}. */
  public static String hashOf(String revisionName) {
    return revisionName == null ? null : revisionName.substring(revisionName.lastIndexOf('-') + 1);
  }
}
