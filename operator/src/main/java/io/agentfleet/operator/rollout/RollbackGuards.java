package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.Rollback;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.operator.workers.WorkerPod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a new revision has failed badly enough to put the last stable template back. Each guard
 * is a reason in words; the first that holds wins.
 */
public final class RollbackGuards {

  /** Container restarts of one new-revision pod that count as a crash loop. */
  public static final int CRASH_LOOP_RESTARTS = 3;

  private RollbackGuards() {}

  /**
   * @param stableRevision the revision to go back to, null if there is none
   * @param updateRevision hash of the update revision
   * @param stableHash hash of the stable revision
   */
  public static Optional<String> shouldRollBack(
      Rollback policy,
      RolloutPlan plan,
      List<WorkerPod> pods,
      String updateRevision,
      String stableRevision,
      String stableHash) {
    if (policy == null || !Boolean.TRUE.equals(policy.getAutomatic())) {
      return Optional.empty();
    }
    if (stableRevision == null || updateRevision.equals(stableHash)) {
      return Optional.empty();
    }
    if (plan.phase() == RolloutPhase.Completed || plan.phase() == RolloutPhase.RolledBack) {
      return Optional.empty();
    }
    if (plan.deadlineExceeded()) {
      return Optional.of("the new revision missed its progress deadline");
    }
    List<WorkerPod> fresh = pods.stream().filter(p -> p.revision().equals(updateRevision)).toList();
    for (WorkerPod pod : fresh) {
      if (pod.live() && pod.restarts() >= CRASH_LOOP_RESTARTS) {
        return Optional.of(
            "worker pod %s of the new revision restarted %d times (crash loop)"
                .formatted(pod.name(), pod.restarts()));
      }
    }
    long failed = 0;
    long succeeded = 0;
    for (WorkerPod pod : fresh) {
      if (pod.known()) {
        failed += Objects.requireNonNullElse(pod.report().jobsFailed(), 0L);
        succeeded += Objects.requireNonNullElse(pod.report().jobsSucceeded(), 0L);
      }
    }
    long total = failed + succeeded;
    int minJobs = Objects.requireNonNullElse(policy.getMinJobs(), 5);
    double maxRatio = Objects.requireNonNullElse(policy.getMaxJobFailureRatio(), 0.2);
    if (total >= minJobs && failed > maxRatio * total) {
      return Optional.of(
          "%d of %d calls failed on the new revision (more than %.0f%%)"
              .formatted(failed, total, maxRatio * 100));
    }
    return Optional.empty();
  }
}
