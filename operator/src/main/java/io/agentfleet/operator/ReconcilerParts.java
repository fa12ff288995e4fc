package io.agentfleet.operator;

import io.agentfleet.operator.configdata.ConfigData;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.rollout.RollbackStep;
import io.agentfleet.operator.rollout.RolloutStep;
import io.agentfleet.operator.spec.CredentialsCheck;
import io.agentfleet.operator.workers.ConfigChecksum;
import io.agentfleet.operator.workers.FleetWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The Kubernetes-facing collaborators of the reconciler, wired once. */
public record ReconcilerParts(
    KubernetesClient client,
    EventRecorder events,
    RevisionStep revisions,
    ConfigData config,
    CredentialsCheck credentials,
    FleetWriter writer,
    ConfigChecksum checksum,
    RolloutStep rollouts,
    RollbackStep rollback,
    Clock clock) {}
