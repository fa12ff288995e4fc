package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.util.List;

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

  public StoredRevisions stored(AgentDeployment deployment) {
    List<ControllerRevision> stored = revisions.list(deployment);
    return new StoredRevisions(
        ControllerRevisions.revisions(stored), ControllerRevisions.rolledBack(stored));
  }

  /** Stores, renumbers and prunes revisions as the plan says, each with an Event. */
  public void apply(AgentDeployment deployment, RevisionPlan plan) {
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
  }

  /** A revision's template hash, from its name {@code <deployment>-<hash>}. */
  public static String hashOf(String revisionName) {
    return revisionName == null ? null : revisionName.substring(revisionName.lastIndexOf('-') + 1);
  }
}
