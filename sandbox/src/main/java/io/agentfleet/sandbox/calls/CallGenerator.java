package io.agentfleet.sandbox.calls;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic callers: each call is a room plus an agent dispatch whose metadata asks the worker's
 * hold agent to stay for the call's length ({@code {"hold_ms": n}}), recorded in the ledger.
 */
public final class CallGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallGenerator.class);

  private final LiveKitRooms rooms;
  private final CallLedger ledger;
  private final Clock clock;
  private final AtomicInteger sequence = new AtomicInteger();
  private final ExecutorService senders;
  private Thread schedule;

  public CallGenerator(LiveKitRooms rooms, CallLedger ledger, Clock clock) {
    this.rooms = rooms;
    this.ledger = ledger;
    this.clock = clock;
    this.senders =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "caller");
              t.setDaemon(true);
              return t;
            });
  }

  /** Places one call now; returns its record. */
  public CallRecord place(String agentName, Duration length) throws IOException {
    String room = "call-" + sequence.incrementAndGet();
    Instant at = clock.instant();
    String dispatchId = rooms.dispatch(room, agentName, "{\"hold_ms\":" + length.toMillis() + "}");
    CallRecord record = CallRecord.dispatched(room, dispatchId, agentName, length, at);
    ledger.dispatched(record);
    return record;
  }

  /** Places the planned calls at their times, from now on, on a background thread. */
  public synchronized void play(Iterator<PlannedCall> plan) {
    if (schedule != null) {
      throw new IllegalStateException("already playing");
    }
    long start = System.nanoTime();
    schedule =
        new Thread(
            () -> {
              try {
                while (plan.hasNext() && !Thread.currentThread().isInterrupted()) {
                  PlannedCall call = plan.next();
                  long wait = start + call.at().toNanos() - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  senders.execute(() -> placeQuietly(call));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "call-schedule");
    schedule.setDaemon(true);
    schedule.start();
  }

  private void placeQuietly(PlannedCall call) {
    try {
      place(call.agentName(), call.length());
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not place a call: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.interrupt();
    }
    senders.shutdownNow();
  }
}
