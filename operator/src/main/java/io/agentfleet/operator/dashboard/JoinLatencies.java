package io.agentfleet.operator.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long callers wait for an agent: from a room's {@code room_started} webhook to the first
 * agent's {@code participant_joined} in it, for every room the operator's webhooks announce
 * (operator-wide: a webhook does not say which deployment's worker joined). Bounded: at most {@link
 * #OPEN} rooms waiting (the oldest forgotten first) and the last {@link #KEPT} joins.
 */
public final class JoinLatencies {

  static final int OPEN = 1000;
  static final int KEPT = 500;

  /** One room's wait. */
  public record Join(String room, Instant joinedAt, long waitMillis) {}

  /** The waits of the last hour. */
  public record Summary(int joins, Long p50Millis, Long p95Millis, Long maxMillis) {}

  private final Map<String, Instant> open = new LinkedHashMap<>();
  private final Deque<Join> joins = new ArrayDeque<>();

  public synchronized void roomStarted(String room, Instant at) {
    open.putIfAbsent(room, at);
    if (open.size() > OPEN) {
      open.remove(open.keySet().iterator().next());
    }
  }

  public synchronized void agentJoined(String room, Instant at) {
    Instant started = open.remove(room);
    if (started == null) {
      return; // its start was not seen, or an agent already joined: no wait to tell
    }
    joins.addLast(new Join(room, at, Math.max(0, Duration.between(started, at).toMillis())));
    while (joins.size() > KEPT) {
      joins.pollFirst();
    }
  }

  public synchronized void roomFinished(String room) {
    open.remove(room);
  }

  public synchronized Summary summary(Instant now) {
    Instant oldest = now.minus(History.WINDOW);
    List<Long> waits = new ArrayList<>();
    for (Join j : joins) {
      if (!j.joinedAt().isBefore(oldest)) {
        waits.add(j.waitMillis());
      }
    }
    if (waits.isEmpty()) {
      return new Summary(0, null, null, null);
    }
    waits.sort(Long::compare);
    return new Summary(
        waits.size(), rank(waits, 0.50), rank(waits, 0.95), waits.get(waits.size() - 1));
  }

  /** The nearest-rank percentile. */
  private static long rank(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
