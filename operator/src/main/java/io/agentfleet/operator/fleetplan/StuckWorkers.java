package io.agentfleet.operator.fleetplan;

import io.agentfleet.operator.rollout.RollbackGuards;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Outside a rollout, a worker that never became ready (never registered with LiveKit) or crash
 * loops serves no call and would sit there for good: an autoscaled fleet only grows around it. One
 * such worker is replaced at a time, and only when no pod of the fleet was created within {@link
 * #STUCK_AFTER}: a bad image or a broken Secret costs one new pod per that time, never a churn.
 */
public final class StuckWorkers {

  /** How long a worker may be not ready before it is replaced, and the least time between two. */
  public static final Duration STUCK_AFTER = Duration.ofMinutes(5);

  private StuckWorkers() {}

  /** The worker to replace now, if any: the one not ready the longest. */
  public static Optional<WorkerPod> toReplace(
      List<WorkerPod> workers, String updateHash, Instant now) {
    Instant cutoff = now.minus(STUCK_AFTER);
    boolean recentPod = workers.stream().anyMatch(w -> w.created().isAfter(cutoff));
    if (recentPod) {
      return Optional.empty();
    }
    return workers.stream()
        .filter(w -> w.live() && !w.ready() && w.activeJobs() == 0)
        .filter(w -> w.revision().equals(updateHash))
        .filter(
            w ->
                w.restarts() >= RollbackGuards.CRASH_LOOP_RESTARTS
                    || !notReadySince(w).isAfter(cutoff))
        .min(Comparator.comparing(StuckWorkers::notReadySince));
  }

  /** Since when it is not ready: its Ready condition's time, else since it was created. */
  static Instant notReadySince(WorkerPod w) {
    return w.unreadySince() == null ? w.created() : w.unreadySince();
  }

  static String reason(WorkerPod w, Instant now) {
    long minutes = Duration.between(notReadySince(w), now).toMinutes();
    return w.restarts() >= RollbackGuards.CRASH_LOOP_RESTARTS
        ? "replacing worker pod %s: crash looping (%d restarts), no calls"
            .formatted(w.name(), w.restarts())
        : "replacing worker pod %s: not ready for %d min, no calls".formatted(w.name(), minutes);
  }
}
