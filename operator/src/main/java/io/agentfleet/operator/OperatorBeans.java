package io.agentfleet.operator;

import io.agentfleet.operator.autoscale.AutoscalerStateStore;
import io.agentfleet.operator.config.OperatorConfig;
import io.agentfleet.operator.configdata.ConfigData;
import io.agentfleet.operator.dashboard.Board;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.placement.DispatchClients;
import io.agentfleet.operator.placement.DispatchWatch;
import io.agentfleet.operator.redispatch.RedispatchStep;
import io.agentfleet.operator.redispatch.RoomWatch;
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
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Wires the operator's collaborators; the reconciler gets them by constructor. */
public class OperatorBeans {

  private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  EventRecorder eventRecorder(KubernetesClient client, Clock clock, Board board) {
    EventRecorder events = new EventRecorder(client, clock);
    events.listen(
        (about, at, type, reason, message) ->
            board.event(
                about.getMetadata().getNamespace(),
                about.getMetadata().getName(),
                at,
                type,
                reason,
                message));
    return events;
  }

  /** What the dashboard shows: the last reconcile of each deployment, in memory. */
  @Produces
  @Singleton
  Board board() {
    return new Board();
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
  ConfigData configData(KubernetesClient client) {
    return ConfigData.of(client);
  }

  @Produces
  @Singleton
  DispatchClients dispatchClients(ConfigData config) {
    return new DispatchClients(config.secrets());
  }

  @Produces
  @Singleton
  DispatchWatch dispatchWatch(DispatchClients clients, EventRecorder events, MeterRegistry meters) {
    return new DispatchWatch(clients, events, meters);
  }

  @Produces
  @Singleton
  RoomWatch roomWatch() {
    return new RoomWatch();
  }

  @Produces
  @Singleton
  RedispatchStep redispatchStep(
      DispatchClients clients,
      DispatchWatch placement,
      RoomWatch rooms,
      EventRecorder events,
      MeterRegistry meters,
      Clock clock) {
    return new RedispatchStep(clients, placement, rooms, events, meters, clock);
  }

  @Produces
  @Singleton
  AutoscaleStep autoscaleStep(
      KubernetesClient client, ExpectedCalls expected, EventRecorder events, FleetMetrics metrics) {
    return new AutoscaleStep(client, new AutoscalerStateStore(), expected, events, metrics);
  }

  @Produces
  @Singleton
  ReconcilerParts reconcilerParts(
      KubernetesClient client, ConfigData config, EventRecorder events, Clock clock) {
    ControllerRevisions revisions = new ControllerRevisions(client);
    return new ReconcilerParts(
        client,
        events,
        new RevisionStep(revisions, events),
        config,
        new CredentialsCheck(config.secrets()),
        new FleetWriter(client, events, new RecentDeletions(clock), new SecureRandom()),
        new ConfigChecksum(config),
        new RolloutStep(events),
        new RollbackStep(client, revisions, events),
        clock);
  }

  /**
   * One active operator replica at a time, through a Lease in the operator's namespace.
   * Quarkus-operator-sdk uses it in the profiles listed in {@code
   * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
   *
   * <p>A replica that loses its Lease exits. The SDK's default is to log and carry on: its
   * controllers keep reconciling without the Lease, next to the replica that took it over, and it
   * never runs for the Lease again. Exiting lets Kubernetes restart it as a standby.
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
        .withLeaseDuration(config.leaseDuration())
        .withRenewDeadline(config.leaseRenewDeadline())
        .withRetryPeriod(config.leaseRetryPeriod())
        .withLeaderCallbacks(
            new LeaderCallbacks(
                () -> {},
                () -> {
                  if (ApplicationLifecycleManager.isVmShuttingDown()) {
                    // SIGTERM: the election ends with the process, nothing was lost.
                    return;
                  }
                  LOG.errorf(
                      "lost the Lease %s (not renewed for %s): exiting, to be restarted as a"
                          + " standby",
                      config.leaseName(), config.leaseRenewDeadline());
                  Quarkus.asyncExit(1);
                },
                leader -> {}))
        .build();
  }
}
