package io.agentfleet.operator.autoscale;

import io.agentfleet.operator.tombstone.Tombstones;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the autoscaler's memory lives between decisions. In memory: an operator restart forgets it,
 * and the autoscaler then assumes the current size was just recommended (never shortening a
 * scale-down window).
 */
public final class AutoscalerStateStore {

  private final Map<String, ScalingHistory> histories = new ConcurrentHashMap<>();
  private final Tombstones gone = new Tombstones();

  public ScalingHistory load(String key) {
    return histories.getOrDefault(key, ScalingHistory.empty());
  }

  public void store(String key, ScalingHistory history) {
    if (gone.contains(key)) {
      return;
    }
    histories.put(key, history);
  }

  /** The deployment stopped autoscaling: its memory goes; it may start again. */
  public void forget(String key) {
    histories.remove(key);
  }

  /**
   * The deployment (by uid, never reused) was deleted: its memory goes, and a reconcile that was
   * still deciding for it when it went stores nothing.
   */
  public void deleted(String key) {
    gone.add(key);
    histories.remove(key);
  }
}
