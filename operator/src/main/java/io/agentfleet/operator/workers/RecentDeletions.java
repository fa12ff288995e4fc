package io.agentfleet.operator.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pods this operator just deleted whose deletion the informer has not shown yet. Without it a
 * reconcile that runs before the watch event would count them as capacity and act twice.
 */
public final class RecentDeletions {

  private static final Duration FORGET_AFTER = Duration.ofMinutes(2);

  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();
  private final Clock clock;

  public RecentDeletions(Clock clock) {
    this.clock = clock;
  }

  public void record(String namespace, String name) {
    deleted.put(namespace + "/" + name, Instant.now(clock));
  }

  public boolean contains(String namespace, String name) {
    Instant now = Instant.now(clock);
    deleted.values().removeIf(at -> at.plus(FORGET_AFTER).isBefore(now));
    return deleted.containsKey(namespace + "/" + name);
  }

  /** Once the cache no longer has the pod, the entry has done its job. */
  public void forgetUnlessSeen(String namespace, java.util.Set<String> seenNames) {
    String prefix = namespace + "/";
    deleted
        .keySet()
        .removeIf(k -> k.startsWith(prefix) && !seenNames.contains(k.substring(prefix.length())));
  }
}
