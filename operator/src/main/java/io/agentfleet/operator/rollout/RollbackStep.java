package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.ControllerRevisions;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

/**
 * Rolls back the way {@code kubectl rollout undo} does: the stable revision's template goes back
 * into spec.template, so Git and {@code kubectl get -o yaml} show what runs; the failed revision is
 * marked so that re-applying the same template does not loop.
 */
public final class RollbackStep {

  private static final Logger LOG = Logger.getLogger(RollbackStep.class);

  private final KubernetesClient client;
  private final ControllerRevisions revisions;
  private final EventRecorder events;

  public RollbackStep(
      KubernetesClient client, ControllerRevisions revisions, EventRecorder events) {
    this.client = client;
    this.revisions = revisions;
    this.events = events;
  }

  public void rollBack(
      AgentDeployment deployment, String failedRevision, String stableRevision, String reason) {
    PodTemplateSpec stable =
        revisions
            .template(deployment, stableRevision)
            .orElseThrow(
                () -> new IllegalStateException("stable revision " + stableRevision + " is gone"));
    AgentDeployment written =
        client
            .resources(AgentDeployment.class)
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(deployment.getMetadata().getName())
            .edit(
                d -> {
                  d.getSpec().setTemplate(stable);
                  return d;
                });
    // The status this reconcile writes goes with the version it just wrote.
    if (written != null) {
      deployment.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    }
    // Marked only once the template is back: a mark without it would make the next reconcile take
    // the failed template for one re-applied on purpose, and hold instead of rolling back again.
    revisions.annotate(deployment, failedRevision, AgentDeploymentAnnotations.ROLLED_BACK, reason);
    String message = "Rolled back %s to %s: %s".formatted(failedRevision, stableRevision, reason);
    LOG.warn(message);
    events.warning(deployment, EventReason.RolledBack, message);
  }
}
