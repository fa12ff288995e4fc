package io.agentfleet.operator.rollout;

import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.operator.workers.VictimOrder;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Moves a fleet to its update revision in call terms. New-revision workers are started first (up to
 * maxSurge above the desired count); a new worker counts only once it is ready and tells LiveKit it
 * takes calls; old workers are drained, job-aware, only as far as the workers available for new
 * calls stay at or above the desired count. Nothing is ever killed: removal is deletion, which
 * drains.
 *
 * <p>Canary runs its steps in order: setWeight puts that share of the desired workers on the new
 * revision (LiveKit spreads calls over available workers, so worker share is call share), a timed
 * pause waits, an untimed pause waits for promote. After the last step the rollout goes to 100%.
 *
 * <p>The same rules size the fleet when there is no rollout: surplus workers go in victim order
 * (idle first, fewest calls, unknown last), finished pods are replaced.
 */
public final class RolloutPlanner {

  private RolloutPlanner() {}

  public static RolloutPlan plan(RolloutInput in) {
    Instant now = in.now();
    int desired = Math.max(0, in.desired());
    String update = in.updateRevision();
    RolloutState state =
        in.state() != null && update.equals(in.state().revision())
            ? in.state()
            : RolloutState.start(update, now, in.promote());

    List<WorkerPod> finished = in.pods().stream().filter(WorkerPod::finished).toList();
    List<WorkerPod> live = in.pods().stream().filter(WorkerPod::live).toList();
    List<WorkerPod> fresh = live.stream().filter(p -> p.revision().equals(update)).toList();
    List<WorkerPod> old = live.stream().filter(p -> !p.revision().equals(update)).toList();
    int freshAvailable = (int) fresh.stream().filter(WorkerPod::available).count();
    Comparator<WorkerPod> victims = VictimOrder.forUpdateRevision(update);

    if (in.paused() || in.blocked()) {
      RolloutPhase phase = in.blocked() ? RolloutPhase.RolledBack : RolloutPhase.Paused;
      String why =
          in.blocked()
              ? "this template was rolled back; change it (or remove the rolled-back mark) to roll"
                  + " out again"
              : "spec.paused is true: pods are left as they are";
      // The deadline clock stops while held (no progress time), and starts again after.
      RolloutState held =
          new RolloutState(
              state.revision(),
              state.step(),
              state.startedAt(),
              state.stepStartedAt(),
              null,
              freshAvailable,
              state.promoted());
      return new RolloutPlan(
          0, finished, phase, held, weightNow(in, state.step()), false, false, why);
    }

    // Canary: run the steps whose conditions are met.
    List<CanaryStep> steps = canarySteps(in.strategy());
    int step = state.step();
    Instant stepStartedAt = state.stepStartedAt();
    String promoted = state.promoted();
    boolean stepCompleted = false;
    String waiting = null;
    while (!old.isEmpty() && step < steps.size()) {
      CanaryStep s = steps.get(step);
      if (s.getSetWeight() != null) {
        int target = share(desired, s.getSetWeight());
        if (freshAvailable >= target && old.size() <= desired - target) {
          step++;
          stepStartedAt = now;
          stepCompleted = true;
          continue;
        }
        break;
      }
      Integer seconds = s.getPause() == null ? null : s.getPause().getSeconds();
      if (seconds != null) {
        Instant until = stepStartedAt.plusSeconds(seconds);
        if (!now.isBefore(until)) {
          step++;
          stepStartedAt = now;
          stepCompleted = true;
          continue;
        }
        waiting =
            "canary paused at step %d of %d for %ds more"
                .formatted(step + 1, steps.size(), Duration.between(now, until).toSeconds());
        break;
      }
      if (in.promote() != null && !in.promote().equals(promoted)) {
        promoted = in.promote();
        step++;
        stepStartedAt = now;
        stepCompleted = true;
        continue;
      }
      waiting =
          "canary paused at step %d of %d: run `kubectl agents rollout promote` to go on"
              .formatted(step + 1, steps.size());
      break;
    }
    int weight = old.isEmpty() ? 100 : weightAt(steps, step);
    int targetFresh = share(desired, weight);

    List<WorkerPod> remove = new ArrayList<>(finished);
    // Surplus new-revision workers (scale-down, or a canary weight that went down).
    List<WorkerPod> surplus =
        fresh.stream().sorted(victims).limit(Math.max(0, fresh.size() - targetFresh)).toList();
    remove.addAll(surplus);
    int freshAvailableKept =
        (int) fresh.stream().filter(WorkerPod::available).filter(p -> !surplus.contains(p)).count();
    int freshKept = fresh.size() - surplus.size();

    // Old workers: drain down to what the weight leaves them. An available one goes only while
    // the available workers stay at or above the desired count; one that cannot take calls
    // (not ready, full, draining) can always go: its calls finish where they are.
    int oldTarget = desired - targetFresh;
    int excessOld = Math.max(0, old.size() - oldTarget);
    int oldAvailable = (int) old.stream().filter(WorkerPod::available).count();
    int budget = freshAvailableKept + oldAvailable - desired;
    for (WorkerPod pod : old.stream().sorted(victims).toList()) {
      if (excessOld == 0) {
        break;
      }
      if (pod.available()) {
        if (budget <= 0) {
          continue;
        }
        budget--;
      }
      remove.add(pod);
      excessOld--;
    }

    int surge =
        in.strategy() != null && in.strategy().getRollingUpdate() != null
            ? Surge.resolve(in.strategy().getRollingUpdate().getMaxSurge(), desired)
            : Surge.resolve(Surge.DEFAULT, desired);
    int liveAfterRemovals = live.size() - (remove.size() - finished.size());
    int create =
        Math.max(0, Math.min(targetFresh - freshKept, desired + surge - liveAfterRemovals));
    remove.removeAll(finished);
    remove.sort(victims);
    remove.addAll(0, finished);

    int drainedOld = (int) remove.stream().filter(old::contains).count();
    boolean progressed =
        stepCompleted || create > 0 || drainedOld > 0 || freshAvailable > state.updatedAvailable();
    int oldLeft = old.size() - drainedOld;
    // Old workers already terminating, and the ones this plan starts draining.
    List<WorkerPod> oldDraining =
        in.pods().stream()
            .filter(p -> !p.revision().equals(update))
            .filter(p -> p.terminating() || (p.live() && remove.contains(p)))
            .toList();
    // Done is about revisions, not load: a new worker that is full is still on the new revision.
    int freshReadyKept =
        (int) fresh.stream().filter(WorkerPod::ready).filter(p -> !surplus.contains(p)).count();
    boolean onlyDrainsLeft =
        oldLeft == 0 && surplus.isEmpty() && freshReadyKept >= desired && create == 0;
    // Waiting for drains is waiting for calls to end, which is not a stall: the clock stops.
    Instant progressedAt;
    if (onlyDrainsLeft) {
      progressedAt = null;
    } else if (progressed || state.progressedAt() == null) {
      progressedAt = now;
    } else {
      progressedAt = state.progressedAt();
    }
    RolloutState next =
        new RolloutState(
            update, step, state.startedAt(), stepStartedAt, progressedAt, freshAvailable, promoted);

    RolloutPhase phase;
    String message;
    if (onlyDrainsLeft && oldDraining.isEmpty()) {
      phase = RolloutPhase.Completed;
      message = "%d workers on the update revision".formatted(freshKept);
    } else if (onlyDrainsLeft) {
      phase = RolloutPhase.Progressing;
      message =
          "%d old workers draining, %d calls left on them"
              .formatted(
                  oldDraining.size(), oldDraining.stream().mapToInt(WorkerPod::activeJobs).sum());
    } else if (waiting != null) {
      phase = RolloutPhase.Paused;
      message = waiting;
    } else {
      phase = RolloutPhase.Progressing;
      message =
          "%d of %d new workers available (weight %d%%), %d old left"
              .formatted(freshAvailable, targetFresh, weight, oldLeft);
    }
    boolean deadlineExceeded =
        phase == RolloutPhase.Progressing
            && progressedAt != null
            && in.progressDeadline() != null
            && Duration.between(progressedAt, now).compareTo(in.progressDeadline()) > 0;
    if (deadlineExceeded) {
      phase = RolloutPhase.Failed;
      message =
          "no progress for %ds (progressDeadlineSeconds): %s"
              .formatted(in.progressDeadline().toSeconds(), message);
    }
    return new RolloutPlan(
        create, List.copyOf(remove), phase, next, weight, stepCompleted, deadlineExceeded, message);
  }

  private static List<CanaryStep> canarySteps(Strategy strategy) {
    if (strategy == null
        || strategy.getType() != StrategyType.CANARY
        || strategy.getCanary() == null) {
      return List.of();
    }
    return Objects.requireNonNullElse(strategy.getCanary().getSteps(), List.of());
  }

  private static int weightNow(RolloutInput in, int step) {
    return weightAt(canarySteps(in.strategy()), step);
  }

  /** The weight in force at a step: its own setWeight, else the last one before it. */
  static int weightAt(List<CanaryStep> steps, int step) {
    if (steps.isEmpty() || step >= steps.size()) {
      return 100;
    }
    for (int i = step; i >= 0; i--) {
      if (steps.get(i).getSetWeight() != null) {
        return steps.get(i).getSetWeight();
      }
    }
    return 0;
  }

  /** Workers for a weight: rounded up, at least one for any weight above 0. */
  static int share(int desired, int weight) {
    if (weight <= 0 || desired == 0) {
      return 0;
    }
    return Math.min(desired, Math.max(1, (int) Math.ceil(desired * weight / 100.0)));
  }
}
