package io.agentfleet.worker.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A one-way signal that a job should stop, which agents can poll or wait on. */
public final class Cancellation {
  private final CountDownLatch fired = new CountDownLatch(1);
  private volatile String reason = "";

  public boolean isCancelled() {
    return fired.getCount() == 0;
  }

  public String reason() {
    return reason;
  }

  /**
   * Waits up to {@code timeout} for cancellation.
   *
   * @return true if cancelled
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return fired.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public void await() throws InterruptedException {
    fired.await();
  }

  void cancel(String why) {
    if (!isCancelled()) {
      reason = why;
      fired.countDown();
    }
  }
}
