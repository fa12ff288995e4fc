package io.agentfleet.operator.workers;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves the fleet towards {@code replicas} workers of the update revision without lowering the
 * number of ready workers below what is wanted: new-revision pods are added first; an old-revision
 * pod goes only once a ready new one can take its place. Finished pods (exited for good) are
 * removed so they can be replaced. Terminating pods are neither capacity nor candidates.
 */
public final class FleetPlanner {

  private FleetPlanner() {}

  public static FleetPlan plan(int replicas, String updateRevision, List<WorkerPod> pods) {
    List<WorkerPod> finished = pods.stream().filter(WorkerPod::finished).toList();
    List<WorkerPod> live = pods.stream().filter(WorkerPod::live).toList();
    List<WorkerPod> updated =
        live.stream().filter(p -> p.revision().equals(updateRevision)).toList();
    List<WorkerPod> old = live.stream().filter(p -> !p.revision().equals(updateRevision)).toList();

    int create = Math.max(0, replicas - updated.size());
    List<WorkerPod> remove = new ArrayList<>();

    List<WorkerPod> surplusUpdated =
        updated.stream()
            .sorted(VictimOrder.forUpdateRevision(updateRevision))
            .limit(Math.max(0, updated.size() - replicas))
            .toList();
    remove.addAll(surplusUpdated);

    long readyUpdatedKept =
        updated.stream().filter(WorkerPod::ready).filter(p -> !surplusUpdated.contains(p)).count();
    long readyOld = old.stream().filter(WorkerPod::ready).count();
    // Ready old workers may go only as far as ready ones stay at or above what is wanted.
    long removableReadyOld = Math.max(0, readyUpdatedKept + readyOld - replicas);
    for (WorkerPod pod :
        old.stream().sorted(VictimOrder.forUpdateRevision(updateRevision)).toList()) {
      if (!pod.ready()) {
        remove.add(pod);
      } else if (removableReadyOld > 0) {
        remove.add(pod);
        removableReadyOld--;
      }
    }

    remove.sort(VictimOrder.forUpdateRevision(updateRevision));
    remove.addAll(0, finished);
    return new FleetPlan(
        create, List.copyOf(remove), reason(replicas, updated, old, create, remove));
  }

  private static String reason(
      int replicas,
      List<WorkerPod> updated,
      List<WorkerPod> old,
      int create,
      List<WorkerPod> remove) {
    if (create == 0 && remove.isEmpty()) {
      return old.isEmpty()
          ? "%d of %d workers on the update revision".formatted(updated.size(), replicas)
          : "waiting for new workers to be ready before draining %d old".formatted(old.size());
    }
    return "want %d on the update revision, have %d (+%d old): create %d, remove %d"
        .formatted(replicas, updated.size(), old.size(), create, remove.size());
  }
}
