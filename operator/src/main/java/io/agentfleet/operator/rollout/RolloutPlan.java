package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.operator.workers.PodChanges;
import io.agentfleet.operator.workers.WorkerPod;
import java.util.List;

/**
 * The pod changes of one reconcile and where the rollout stands after them.
 *
 * @param create how many update-revision pods to add
 * @param remove pods to delete (drain), first victim first
 * @param weight share (%) of workers the rollout aims to have on the update revision
 * @param stepCompleted a canary step ended this time (an Event is due)
 * @param deadlineExceeded no progress within the progress deadline
 */
public record RolloutPlan(
    int create,
    List<WorkerPod> remove,
    RolloutPhase phase,
    RolloutState state,
    int weight,
    boolean stepCompleted,
    boolean deadlineExceeded,
    String message) {

  public boolean changesNothing() {
    return create == 0 && remove.isEmpty();
  }

  public PodChanges podChanges() {
    return new PodChanges(create, remove, message);
  }
}
