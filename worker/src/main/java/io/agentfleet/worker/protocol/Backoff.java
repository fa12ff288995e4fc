package io.agentfleet.worker.protocol;

import java.time.Duration;

/**
 * Reconnect delays: the first retry is immediate, then the delay doubles from {@code initial} up to
 * {@code max}. The attempt counter resets after every successful registration.
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max");
    }
  }

  /**
   * @param failures consecutive failed attempts so far, 0 for the first retry
   */
  public Duration delay(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    int shift = Math.min(failures - 1, 30);
    long millis = initial.toMillis() << shift;
    if (millis < 0 || millis > max.toMillis()) {
      return max;
    }
    return Duration.ofMillis(millis);
  }
}
