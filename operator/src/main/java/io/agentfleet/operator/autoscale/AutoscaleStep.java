package io.agentfleet.operator.autoscale;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.WebhookPrescaling;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.webhook.ExpectedCalls;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The shell around {@link Autoscaler}: loads its memory, feeds it the fleet and the webhook signal,
 * and writes the answer to spec.replicas through the scale subresource, with an Event that says
 * why.
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
   * Decides and, if the size changes, writes it. On return {@code deployment.getSpec()} holds the
   * new replicas so the rest of the reconcile plans with it.
   *
   * @throws IllegalArgumentException naming the field when the autoscaling spec cannot be used
   */
  public ScaleDecision apply(
      AgentDeployment deployment, List<WorkerPod> workers, int waitingDispatches, Instant now) {
    ScalingPolicy policy = ScalingPolicy.from(deployment.getSpec().getAutoscaling());
    String key = key(deployment);
    WebhookPrescaling webhook = deployment.getSpec().getAutoscaling().getWebhook();
    if (webhook != null) {
      expectedCalls.configure(
          key,
          webhook.getRoomNamePattern(),
          Duration.ofSeconds(Objects.requireNonNullElse(webhook.getExpectSeconds(), 30)));
    } else {
      expectedCalls.forget(key);
    }
    int current = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 0);
    FleetSample sample =
        new FleetSample(current, workers, expectedCalls.expected(key, now), waitingDispatches);
    String memoryKey = deployment.getMetadata().getUid();
    ScaleDecision decision = Autoscaler.decide(policy, sample, memory.load(memoryKey), now);
    memory.store(memoryKey, decision.history());
    if (decision.changes()) {
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
      deployment.getSpec().setReplicas(decision.replicas());
      // This reconcile's status goes with the version it just wrote: against the version it read,
      // the status patch would be refused as a conflict.
      if (written != null
          && written.getMetadata() != null
          && written.getMetadata().getResourceVersion() != null) {
        deployment.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
      }
      LOG.info(decision.reason());
      events.normal(
          deployment,
          decision.replicas() > decision.current()
              ? EventReason.ScalingUp
              : EventReason.ScalingDown,
          decision.reason());
      metrics.scaled(deployment, decision);
    } else {
      LOG.debug(decision.reason());
    }
    return decision;
  }

  public void forget(AgentDeployment deployment) {
    memory.forget(deployment.getMetadata().getUid());
    expectedCalls.forget(key(deployment));
  }

  public static String key(AgentDeployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }
}
