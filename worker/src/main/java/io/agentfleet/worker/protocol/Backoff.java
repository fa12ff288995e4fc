package io.agentfleet.worker.protocol;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: the first retry is immediate, then the delay doubles from {@code initial} up to
 * {@code max}. The attempt counter resets after every successful registration. Each wait is drawn
 * between half its ceiling and the ceiling, so a fleet that lost its server at one moment does not
 * come back at one moment too.
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max");
    }
  }

  /**
   * The wait before the next attempt: between half of {@link #ceiling} and all of it. Below the cap
   * a wait is never shorter than the ceiling of the one before, so waits still grow.
   */
  public Duration delay(int failures, RandomGenerator random) {
    long ceiling = ceiling(failures).toMillis();
    long half = ceiling / 2;
    return Duration.ofMillis(ceiling - half + random.nextLong(half + 1));
  }

  /**
   * @param failures consecutive failed attempts so far, 0 for the first retry
   */
  public Duration ceiling(int failures) {
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
