package io.agentfleet.operator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-resource exponential backoff for conditions the operator waits out (a missing Secret, an API
 * error): 5 s, 10 s, 20 s ... capped at 5 minutes, reset once the resource reconciles cleanly.
 */
public final class RetryBackoff {

  static final Duration FIRST = Duration.ofSeconds(5);
  static final Duration CAP = Duration.ofMinutes(5);

  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  public Duration next(String key) {
    int attempt = attempts.merge(key, 1, Integer::sum);
    return delay(attempt);
  }

  public void reset(String key) {
    attempts.remove(key);
  }

  static Duration delay(int attempt) {
    int shift = Math.min(attempt - 1, 16);
    Duration d = FIRST.multipliedBy(1L << shift);
    return d.compareTo(CAP) > 0 ? CAP : d;
  }
}
