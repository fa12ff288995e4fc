package io.agentfleet.operator.config;

import io.agentfleet.operator.RetryBackoff;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.ControllerRevisions;
import io.agentfleet.operator.workers.RecentDeletions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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
  ControllerRevisions controllerRevisions(KubernetesClient client) {
    return new ControllerRevisions(client);
  }

  @Produces
  @Singleton
  RecentDeletions recentDeletions(Clock clock) {
    return new RecentDeletions(clock);
  }

  @Produces
  @Singleton
  RetryBackoff retryBackoff() {
    return new RetryBackoff();
  }

  /**
   * One active operator replica at a time, through a Lease in the operator's namespace.
   * Quarkus-operator-sdk uses it in the profiles listed in {@code
   * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "agentfleet.operator.lease-name", defaultValue = "agentfleet-operator")
          String leaseName) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName).build();
  }
}
