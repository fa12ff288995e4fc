package io.agentfleet.operator.status;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.workers.WorkerLabels;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one place the status is computed: from the pods as observed, the update revision and what
 * went wrong, never from what the operator meant to do.
 */
public final class StatusAggregator {

  private StatusAggregator() {}

  /**
   * @param updateRevision name of the ControllerRevision of the current spec.template
   * @param updateHash its template hash, as on the pods' revision label
   */
  public static AgentDeploymentStatus compute(
      AgentDeployment deployment,
      List<WorkerPod> pods,
      String updateRevision,
      String updateHash,
      Optional<Trouble> trouble,
      Instant now) {
    AgentDeploymentStatus previous =
        Optional.ofNullable(deployment.getStatus()).orElseGet(AgentDeploymentStatus::new);
    Long generation = deployment.getMetadata().getGeneration();
    int desired =
        deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
            ? 0
            : deployment.getSpec().getReplicas();
    boolean paused =
        deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused());

    List<WorkerPod> live = pods.stream().filter(WorkerPod::live).toList();
    int ready = (int) live.stream().filter(WorkerPod::ready).count();
    int updated = (int) live.stream().filter(p -> p.revision().equals(updateHash)).count();
    int updatedReady =
        (int) live.stream().filter(p -> p.revision().equals(updateHash) && p.ready()).count();
    int draining = (int) pods.stream().filter(WorkerPod::terminating).count();
    boolean oldRemain = live.stream().anyMatch(p -> !p.revision().equals(updateHash));
    boolean rolledOut = updateRevision != null && !oldRemain && updatedReady >= desired;

    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(live.size());
    status.setReadyReplicas(ready);
    status.setUpdatedReplicas(updated);
    status.setDrainingWorkers(draining);
    status.setDesiredReplicas(desired);
    status.setActiveJobs(previous.getActiveJobs());
    status.setLoad(previous.getLoad());
    status.setUpdateRevision(updateRevision);
    status.setCurrentRevision(
        rolledOut || previous.getCurrentRevision() == null
            ? updateRevision
            : previous.getCurrentRevision());
    status.setSelector(WorkerLabels.selector(deployment.getMetadata().getName()));

    List<Condition> wanted =
        List.of(
            ready >= desired
                ? Conditions.of(
                    Conditions.AVAILABLE,
                    "True",
                    "MinimumWorkersAvailable",
                    "%d of %d workers ready".formatted(ready, desired),
                    generation)
                : Conditions.of(
                    Conditions.AVAILABLE,
                    "False",
                    "MinimumWorkersUnavailable",
                    "%d of %d workers ready".formatted(ready, desired),
                    generation),
            progressing(
                paused,
                rolledOut,
                updateRevision,
                updatedReady,
                desired,
                live,
                updateHash,
                generation),
            trouble
                .map(
                    t ->
                        Conditions.of(
                            Conditions.DEGRADED, "True", t.reason(), t.message(), generation))
                .orElseGet(
                    () ->
                        Conditions.of(
                            Conditions.DEGRADED,
                            "False",
                            "AsExpected",
                            "no problems",
                            generation)));
    status.setConditions(Conditions.merge(previous.getConditions(), wanted, now));
    return status;
  }

  private static Condition progressing(
      boolean paused,
      boolean rolledOut,
      String updateRevision,
      int updatedReady,
      int desired,
      List<WorkerPod> live,
      String updateHash,
      Long generation) {
    if (paused) {
      return Conditions.of(
          Conditions.PROGRESSING,
          "Unknown",
          "Paused",
          "spec.paused is true: pods are left as they are",
          generation);
    }
    if (rolledOut) {
      return Conditions.of(
          Conditions.PROGRESSING,
          "True",
          "NewRevisionAvailable",
          "revision %s runs on all %d workers".formatted(updateRevision, desired),
          generation);
    }
    long old = live.stream().filter(p -> !p.revision().equals(updateHash)).count();
    return Conditions.of(
        Conditions.PROGRESSING,
        "True",
        "RolloutInProgress",
        "%d of %d workers ready on revision %s, %d old still running"
            .formatted(updatedReady, desired, updateRevision, old),
        generation);
  }
}
