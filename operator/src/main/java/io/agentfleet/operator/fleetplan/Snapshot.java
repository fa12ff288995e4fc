package io.agentfleet.operator.fleetplan;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.placement.WaitingDispatch;
import io.agentfleet.operator.revision.StoredRevisions;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one reconcile decides from, read once at its start: the deployment as the informer
 * holds it, its pods joined with their workers' latest reports, and one clock reading.
 *
 * @param pods the pods as read, for the eviction marks
 * @param workers the same pods with their workers' reports
 * @param specProblems what makes the spec unusable; when any, nothing it names was read
 * @param reads what a usable spec names, absent when the spec or its Secret is unusable
 */
public record Snapshot(
    AgentDeployment deployment,
    List<Pod> pods,
    List<WorkerPod> workers,
    List<String> specProblems,
    Optional<Trouble> credentials,
    Optional<Reads> reads,
    Instant now) {

  public Snapshot {
    pods = List.copyOf(pods);
    workers = List.copyOf(workers);
    specProblems = List.copyOf(specProblems);
  }

  /**
   * What the spec points at.
   *
   * @param configChecksum of the Secrets and ConfigMaps the pods read, see {@code ConfigChecksum}
   * @param dispatches the dispatches the LiveKit server lists in rooms that may wait for an agent
   * @param expectedCalls calls the webhooks announced that no worker took yet
   * @param history the autoscaler's memory of its earlier decisions
   * @param budget the deployment's PodDisruptionBudget as the informer holds it
   */
  public record Reads(
      String configChecksum,
      StoredRevisions revisions,
      List<WaitingDispatch> dispatches,
      int expectedCalls,
      ScalingHistory history,
      Optional<PodDisruptionBudget> budget) {
    public Reads {
      dispatches = List.copyOf(dispatches);
    }
  }
}
