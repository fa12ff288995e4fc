package io.agentfleet.operator.autoscale;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the autoscaler's memory lives between decisions. In memory: an operator restart forgets it,
 * and the autoscaler then assumes the current size was just recommended (never shortening a
 * scale-down window).
 */
public final class AutoscalerStateStore {

  private final Map<String, ScalingHistory> histories = new ConcurrentHashMap<>();

  public ScalingHistory load(String key) {
    return histories.getOrDefault(key, ScalingHistory.empty());
  }

  public void store(String key, ScalingHistory history) {
    histories.put(key, history);
  }

  public void forget(String key) {
    histories.remove(key);
  }
}
