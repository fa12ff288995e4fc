package io.agentfleet.operator.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last webhooks accepted, so that a retried or replayed one (same event id) is acted
 * on once. Bounded: the oldest id is forgotten first; LiveKit retries within seconds, long before
 * thousands of newer events pass.
 */
final class SeenWebhooks {

  static final int DEFAULT_CAPACITY = 10_000;

  private final Map<String, Boolean> ids;

  SeenWebhooks(int capacity) {
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True the first time an id is seen; an event without an id cannot be told apart, so true. */
  synchronized boolean firstTime(String eventId) {
    if (eventId == null || eventId.isEmpty()) {
      return true;
    }
    return ids.putIfAbsent(eventId, Boolean.TRUE) == null;
  }
}
