package io.agentfleet.operator.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last hour of one deployment's figures, for the dashboard's charts. Bounded twice: by age
 * ({@link #WINDOW}) and by count ({@code capacity}, the oldest goes first), so a busy fleet whose
 * reconciles come every second cannot grow it. Kept samples are at least {@code spacing} apart, but
 * the latest is always there: a sample within {@code spacing} of the one before the last replaces
 * the last. It lives in the operator's memory only: a restart starts it empty.
 */
public final class History {

  public static final Duration WINDOW = Duration.ofHours(1);

  /** One point of the charts. */
  public record Sample(
      Instant at, int calls, double load, Double targetLoad, int desired, int ready) {}

  private final int capacity;
  private final Duration spacing;
  private final Deque<Sample> samples = new ArrayDeque<>();

  public History(int capacity, Duration spacing) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.spacing = spacing;
  }

  /** An hour at one sample every 5 s. */
  public static History hourly() {
    return new History(720, Duration.ofSeconds(5));
  }

  public synchronized void add(Sample sample) {
    if (samples.size() >= 2) {
      Sample last = samples.pollLast();
      if (!last.at().isBefore(samples.peekLast().at().plus(spacing))) {
        samples.addLast(last);
      }
    }
    samples.addLast(sample);
    while (samples.size() > capacity) {
      samples.pollFirst();
    }
    Instant oldest = sample.at().minus(WINDOW);
    while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
      samples.pollFirst();
    }
  }

  /** The samples of the hour before {@code now}, oldest first. */
  public synchronized List<Sample> since(Instant now) {
    Instant oldest = now.minus(WINDOW);
    List<Sample> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      if (!s.at().isBefore(oldest)) {
        out.add(s);
      }
    }
    return out;
  }

  public int capacity() {
    return capacity;
  }
}
