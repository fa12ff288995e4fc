package io.agentfleet.operator.autoscale;

import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the autoscaler measured of a fleet's traffic, for a warm buffer sized from it: the calls it
 * counted over the last {@link #WINDOW}, and how long the fleet's workers took from pod creation to
 * their first status report. Immutable; {@link #observe} returns the next one.
 *
 * @param calls the fewest and most calls counted in each second a decision was made, oldest first
 * @param startups the start-ups measured last, oldest first, at most {@link #STARTUPS}
 * @param starting pods seen live but not yet reporting: only those can be measured, so a pod that
 *     already reported when the autoscaler first saw it (an operator restart) gives no figure
 */
public record Traffic(List<CallCount> calls, List<Duration> startups, Set<String> starting) {

  /** How far back the rise in calls is looked for. */
  public static final Duration WINDOW = Duration.ofMinutes(10);

  /** How many start-ups are remembered. */
  static final int STARTUPS = 20;

  /** The calls counted within one second, from {@code at}. */
  public record CallCount(Instant at, int low, int high) {}

  public static Traffic empty() {
    return new Traffic(List.of(), List.of(), Set.of());
  }

  Traffic observe(Instant now, int callCount, List<WorkerPod> pods) {
    List<CallCount> kept = new ArrayList<>();
    Instant cutoff = now.minus(WINDOW);
    for (CallCount c : calls) {
      if (!c.at().isBefore(cutoff)) {
        kept.add(c);
      }
    }
    CallCount last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
    if (last != null && now.isBefore(last.at().plusSeconds(1))) {
      kept.set(
          kept.size() - 1,
          new CallCount(
              last.at(), Math.min(last.low(), callCount), Math.max(last.high(), callCount)));
    } else {
      kept.add(new CallCount(now, callCount, callCount));
    }

    List<Duration> measured = new ArrayList<>(startups);
    Set<String> stillStarting = new HashSet<>();
    for (WorkerPod pod : pods) {
      if (!pod.live()) {
        continue;
      }
      if (!pod.known()) {
        stillStarting.add(pod.name());
      } else if (starting.contains(pod.name())) {
        measured.add(Duration.between(pod.created(), now));
      }
    }
    if (measured.size() > STARTUPS) {
      measured = measured.subList(measured.size() - STARTUPS, measured.size());
    }
    return new Traffic(List.copyOf(kept), List.copyOf(measured), Set.copyOf(stillStarting));
  }

  /** The slowest of the start-ups measured last; empty until one was measured. */
  public Optional<Duration> startup() {
    return startups.stream().max(Duration::compareTo);
  }

  /**
   * The largest rise in calls over any stretch no longer than {@code span} in the window: how many
   * calls arrived, net of those that ended, while a worker started.
   */
  public int rise(Duration span) {
    int rise = 0;
    for (int j = 0; j < calls.size(); j++) {
      CallCount to = calls.get(j);
      Instant from = to.at().minus(span);
      for (int i = j; i >= 0 && !calls.get(i).at().isBefore(from); i--) {
        rise = Math.max(rise, to.high() - calls.get(i).low());
      }
    }
    return rise;
  }
}
