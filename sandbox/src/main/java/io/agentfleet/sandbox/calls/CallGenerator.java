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
 * hold agent to stay for the call's length ({@code {"hold_ms": n}}), recorded in the ledger. With
 * {@link MediaCallers}, calls placed while a media slot is free are real audio calls instead: the
 * dispatch asks for the echo agent and a caller process talks to it for the call's length.
 */
public final class CallGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallGenerator.class);

  private final LiveKitRooms rooms;
  private final CallLedger ledger;
  private final Clock clock;
  private final AtomicInteger sequence = new AtomicInteger();
  private final ExecutorService senders;
  private Thread schedule;
  private MediaCallers media;

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

  /**
   * Places a media call now, in a slot taken from {@code media}: the echo agent is dispatched and
   * the caller started, which gives the slot back when it ends. {@code length} is raised to what a
   * caller needs to measure a tone.
   */
  private CallRecord placeMedia(String agentName, Duration length, MediaCallers media)
      throws IOException {
    String room = "call-" + sequence.incrementAndGet();
    Duration mediaLength = MediaCallers.length(length);
    Instant at = clock.instant();
    String dispatchId;
    try {
      dispatchId = rooms.dispatch(room, agentName, "{\"agent\":\"echo\"}");
    } catch (IOException | RuntimeException e) {
      media.releaseSlot();
      throw e;
    }
    CallRecord record = CallRecord.dispatched(room, dispatchId, agentName, mediaLength, at);
    ledger.dispatched(record);
    media.start(record, media.nextTone());
    return record;
  }

  /** Places the planned calls at their times, from now on, on a background thread. */
  public void play(Iterator<PlannedCall> plan) {
    play(plan, null);
  }

  /**
   * As {@link #play(Iterator)}, with up to {@code media}'s limit of them real audio calls at a
   * time; null for none. The media callers are closed with the generator.
   */
  public synchronized void play(Iterator<PlannedCall> plan, MediaCallers media) {
    if (schedule != null) {
      throw new IllegalStateException("already playing");
    }
    this.media = media;
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
    MediaCallers mediaCallers = media;
    if (mediaCallers != null && mediaCallers.tryTakeSlot()) {
      try {
        placeMedia(call.agentName(), call.length(), mediaCallers);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not place a media call: {}", e.getMessage());
      }
      return;
    }
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
    if (media != null) {
      media.close();
    }
  }
}
