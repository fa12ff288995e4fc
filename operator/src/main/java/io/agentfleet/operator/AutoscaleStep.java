package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.LearnedSchedule;
import io.agentfleet.api.v1alpha1.WebhookPrescaling;
import io.agentfleet.operator.autoscale.AutoscalerStateStore;
import io.agentfleet.operator.autoscale.DemandProfile;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.webhook.ExpectedCalls;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The shell around {@link Autoscaler}: what it remembers and what the webhooks announced before a
 * reconcile plans, and after the plan, the answer written to spec.replicas through the scale
 * subresource with an Event that says why.
 */
public final class AutoscaleStep {

  private static final Logger LOG = Logger.getLogger(AutoscaleStep.class);

  private final KubernetesClient client;
  private final AutoscalerStateStore memory;
  private final ExpectedCalls expectedCalls;
  private final EventRecorder events;
  private final FleetMetrics metrics;

  public AutoscaleStep(
      KubernetesClient client,
      AutoscalerStateStore memory,
      ExpectedCalls expectedCalls,
      EventRecorder events,
      FleetMetrics metrics) {
    this.client = client;
    this.memory = memory;
    this.expectedCalls = expectedCalls;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * The autoscaler's memory of this deployment's earlier decisions. Only the demand profile of a
   * learned schedule outlives the operator (it took days to learn): a restarted operator finds it
   * in the status.
   */
  public ScalingHistory history(AgentDeployment deployment) {
    ScalingHistory history = memory.load(deployment.getMetadata().getUid());
    Autoscaling autoscaling = deployment.getSpec().getAutoscaling();
    LearnedSchedule learned = autoscaling == null ? null : autoscaling.getLearnedSchedule();
    if (history.profile().learns()
        || learned == null
        || !Boolean.TRUE.equals(learned.getEnabled())
        || deployment.getStatus() == null) {
      return history;
    }
    return history.withProfile(
        DemandProfile.fromStatus(
            deployment.getStatus().getDemandProfile(),
            Duration.ofMinutes(
                Objects.requireNonNullElse(
                    learned.getPeriodMinutes(), LearnedSchedule.DEFAULT_PERIOD_MINUTES))));
  }

  /**
   * Calls the webhooks announced for this deployment that no worker took yet; 0 without webhook
   * pre-scaling. Follows the spec's room pattern, so a changed pattern applies from now on.
   */
  public int expectedCalls(AgentDeployment deployment, Instant now) {
    String key = key(deployment);
    Autoscaling autoscaling = deployment.getSpec().getAutoscaling();
    WebhookPrescaling webhook = autoscaling == null ? null : autoscaling.getWebhook();
    if (webhook == null || !deployment.getSpec().autoscaled()) {
      expectedCalls.forget(key);
      return 0;
    }
    expectedCalls.configure(
        key,
        webhook.getRoomNamePattern(),
        Duration.ofSeconds(Objects.requireNonNullElse(webhook.getExpectSeconds(), 30)));
    return expectedCalls.expected(key, now);
  }

  /**
   * Remembers the decision and, if the size changes, writes it. The deployment's resource version
   * follows the write, so this reconcile's status patch is not refused as a conflict.
   */
  public void write(AgentDeployment deployment, ScaleDecision decision) {
    memory.store(deployment.getMetadata().getUid(), decision.history());
    if (!decision.changes()) {
      LOG.debug(decision.reason());
      return;
    }
    var resource =
        client
            .resources(AgentDeployment.class)
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(deployment.getMetadata().getName());
    // The Scale read and written back with the new size, no version precondition: spec.replicas
    // is the autoscaler's to set.
    Scale written =
        resource.scale(
            new ScaleBuilder(resource.scale())
                .editMetadata()
                .withResourceVersion(null)
                .endMetadata()
                .editOrNewSpec()
                .withReplicas(decision.replicas())
                .endSpec()
                .build());
    if (written != null
        && written.getMetadata() != null
        && written.getMetadata().getResourceVersion() != null) {
      deployment.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    }
    LOG.info(decision.reason());
    events.normal(
        deployment,
        decision.replicas() > decision.current() ? EventReason.ScalingUp : EventReason.ScalingDown,
        decision.reason());
    metrics.scaled(deployment, decision);
  }

  /** Drops what is remembered of a deployment that is no longer autoscaled. */
  public void forget(String namespace, String name, String uid) {
    memory.forget(uid);
    expectedCalls.forget(namespace + "/" + name);
  }

  /** Drops what is remembered of a deleted deployment, for good. */
  public void deleted(String namespace, String name, String uid) {
    memory.deleted(uid);
    expectedCalls.forget(namespace + "/" + name);
  }

  public static String key(AgentDeployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }
}
