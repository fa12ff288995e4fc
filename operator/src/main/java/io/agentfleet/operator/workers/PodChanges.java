package io.agentfleet.operator.workers;

import java.util.List;

/**
 * The pods one reconcile creates and drains, whichever planner decided them.
 *
 * @param create how many update-revision pods to add
 * @param remove pods to delete (drain), first victim first
 * @param why the planner's reason, for the log and the Events
 */
public record PodChanges(int create, List<WorkerPod> remove, String why) {
  public PodChanges {
    remove = List.copyOf(remove);
  }

  public boolean none() {
    return create == 0 && remove.isEmpty();
  }
}
