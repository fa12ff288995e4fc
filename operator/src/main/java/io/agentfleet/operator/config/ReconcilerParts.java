package io.agentfleet.operator.config;

import io.agentfleet.operator.RetryBackoff;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.ControllerRevisions;
import io.agentfleet.operator.rollout.RollbackStep;
import io.agentfleet.operator.workers.ConfigChecksum;
import io.agentfleet.operator.workers.FleetWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The Kubernetes-facing collaborators of the reconciler, wired once. */
public record ReconcilerParts(
    KubernetesClient client,
    EventRecorder events,
    ControllerRevisions revisions,
    FleetWriter writer,
    ConfigChecksum checksum,
    RollbackStep rollback,
    RetryBackoff backoff,
    Clock clock) {}
