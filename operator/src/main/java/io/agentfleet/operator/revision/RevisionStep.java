package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The shell around {@link RevisionHistory}: turns the watched revisions into its input and carries
 * out its plan.
 */
public final class RevisionStep {

  private final ControllerRevisions revisions;
  private final EventRecorder events;

  public RevisionStep(ControllerRevisions revisions, EventRecorder events) {
    this.revisions = revisions;
    this.events = events;
  }

  /** The deployment's revisions as its watch holds them. */
  public static StoredRevisions stored(Collection<ControllerRevision> stored) {
    return new StoredRevisions(
        ControllerRevisions.revisions(stored), ControllerRevisions.rolledBack(stored));
  }

  /**
   * Stores, renumbers and prunes revisions as the plan says, each with an Event.
   *
   * @param created told of a revision created, so that the next reconcile sees it before its watch
   *     event arrives (and does not create it again)
   */
  public void apply(
      AgentDeployment deployment, RevisionPlan plan, Consumer<ControllerRevision> created) {
    plan.create()
        .ifPresent(
            r -> {
              created.accept(revisions.create(deployment, r, deployment.getSpec().getTemplate()));
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
