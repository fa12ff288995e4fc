package io.agentfleet.operator.config;

import io.agentfleet.operator.RetryBackoff;
import io.agentfleet.operator.autoscale.AutoscaleStep;
import io.agentfleet.operator.autoscale.AutoscalerStateStore;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.revision.ControllerRevisions;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.rollout.RollbackStep;
import io.agentfleet.operator.rollout.RolloutStep;
import io.agentfleet.operator.spec.CredentialsCheck;
import io.agentfleet.operator.webhook.ExpectedCalls;
import io.agentfleet.operator.workers.ConfigChecksum;
import io.agentfleet.operator.workers.FleetWriter;
import io.agentfleet.operator.workers.RecentDeletions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/** Wires the operator's collaborators; the reconciler gets them by constructor. */
public class OperatorBeans {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  EventRecorder eventRecorder(KubernetesClient client, Clock clock) {
    return new EventRecorder(client, clock);
  }

  @Produces
  @Singleton
  FleetMetrics fleetMetrics(MeterRegistry registry) {
    return new FleetMetrics(registry);
  }

  @Produces
  @Singleton
  ExpectedCalls expectedCalls() {
    return new ExpectedCalls();
  }

  @Produces
  @Singleton
  AutoscaleStep autoscaleStep(
      KubernetesClient client, ExpectedCalls expected, EventRecorder events, FleetMetrics metrics) {
    return new AutoscaleStep(client, new AutoscalerStateStore(), expected, events, metrics);
  }

  @Produces
  @Singleton
  ReconcilerParts reconcilerParts(KubernetesClient client, EventRecorder events, Clock clock) {
    ControllerRevisions revisions = new ControllerRevisions(client);
    return new ReconcilerParts(
        client,
        events,
        new RevisionStep(revisions, events),
        new CredentialsCheck(client),
        new FleetWriter(client, events, new RecentDeletions(clock), new SecureRandom()),
        new ConfigChecksum(client),
        new RolloutStep(events),
        new RollbackStep(client, revisions, events),
        new RetryBackoff(),
        clock);
  }

  /**
   * One active operator replica at a time, through a Lease in the operator's namespace.
   * Quarkus-operator-sdk uses it in the profiles listed in {@code
   * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
        .build();
  }
}
