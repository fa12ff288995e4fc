package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the rollout planner decides from.
 *
 * @param desired workers wanted in all (spec.replicas, as the autoscaler left it)
 * @param updateRevision hash of the current template
 * @param strategy spec.strategy, null meaning RollingUpdate with maxSurge 25%
 * @param state the rollout's memory, null when there is none yet
 * @param promote the current value of the promote annotation, null if absent
 * @param blocked the update revision was rolled back before: do not roll forward to it
 */
public record RolloutInput(
    int desired,
    String updateRevision,
    List<WorkerPod> pods,
    Strategy strategy,
    RolloutState state,
    boolean paused,
    String promote,
    Duration progressDeadline,
    boolean blocked,
    Instant now) {}
