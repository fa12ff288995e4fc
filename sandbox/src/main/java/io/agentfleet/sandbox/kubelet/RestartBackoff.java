package io.agentfleet.sandbox.kubelet;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off: the wait before restart {@code n} doubles from {@code base} up
 * to {@code max} (10 s and 5 min in a real kubelet; shorter in tests).
 */
public record RestartBackoff(Duration base, Duration max) {

  public static final RestartBackoff KUBELET =
      new RestartBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5));

  /** The wait before the given restart (1 = first restart). */
  public Duration before(int restart) {
    if (restart <= 1) {
      return base;
    }
    long factor = 1L << Math.min(restart - 1, 20);
    Duration wait = base.multipliedBy(factor);
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
