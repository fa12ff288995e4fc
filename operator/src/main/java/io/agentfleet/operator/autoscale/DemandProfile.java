package io.agentfleet.operator.autoscale;

import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.api.v1alpha1.DemandProfileStatus.DemandPeriod;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * The demand a fleet saw over its last periods (days, weeks), slot by slot: in each slot, the most
 * workers its demand needed. A learned schedule reads from it what the same time of the period
 * needed before. Immutable; {@link #observe} returns the next one.
 *
 * <p>Periods are counted from the Unix epoch, so a day's period begins at midnight UTC and a
 * restarted operator finds the same slots again.
 *
 * @param period the length of the period that repeats; {@link Duration#ZERO} when nothing is
 *     learned
 * @param periods the periods observed, oldest first, at most {@link #KEPT}
 */
public record DemandProfile(Duration period, List<Period> periods) {

  /** Slots in a period: 15 minutes of a day. */
  public static final int SLOTS = 96;

  /** Periods kept: the most a learned schedule may ask for, and the current one. */
  static final int KEPT = 8;

  /** A slot no decision was made in. */
  static final int UNSEEN = -1;

  /**
   * One period.
   *
   * @param index which period since the epoch
   * @param peaks per slot, the most workers the demand needed, or {@link #UNSEEN}
   */
  public record Period(long index, List<Integer> peaks) {}

  public static DemandProfile none() {
    return new DemandProfile(Duration.ZERO, List.of());
  }

  public boolean learns() {
    return !period.isZero();
  }

  /** The same profile for a learned schedule of this period; another period starts afresh. */
  DemandProfile learning(Duration newPeriod) {
    if (newPeriod.equals(period)) {
      return this;
    }
    return new DemandProfile(newPeriod, List.of());
  }

  /** Remembers that the demand needed {@code workers} at {@code now}. */
  DemandProfile observe(Instant now, int workers) {
    if (!learns()) {
      return this;
    }
    long index = index(now);
    int slot = slot(now);
    Period last = periods.isEmpty() ? null : periods.get(periods.size() - 1);
    if (last != null && last.index() == index) {
      if (last.peaks().get(slot) >= workers) {
        return this;
      }
      List<Integer> peaks = new ArrayList<>(last.peaks());
      peaks.set(slot, workers);
      List<Period> next = new ArrayList<>(periods);
      next.set(next.size() - 1, new Period(index, List.copyOf(peaks)));
      return new DemandProfile(period, List.copyOf(next));
    }
    List<Integer> peaks = new ArrayList<>(Collections.nCopies(SLOTS, UNSEEN));
    peaks.set(slot, workers);
    List<Period> next = new ArrayList<>();
    for (Period p : periods) {
      // A clock that went back leaves a later period behind: it is dropped, not reordered.
      if (p.index() < index) {
        next.add(p);
      }
    }
    next.add(new Period(index, List.copyOf(peaks)));
    if (next.size() > KEPT) {
      next = next.subList(next.size() - KEPT, next.size());
    }
    return new DemandProfile(period, List.copyOf(next));
  }

  /**
   * The workers the demand needed between {@code now} and {@code now + lead} at the same time of
   * each of the last {@code count} periods, the least of them: demand that came every time. Empty
   * unless each of those periods was observed in each of those slots.
   */
  public OptionalInt forecast(Instant now, Duration lead, int count) {
    if (!learns() || count < 1) {
      return OptionalInt.empty();
    }
    List<Instant> points = new ArrayList<>();
    Duration slot = slotLength();
    for (Instant t = now; !t.isAfter(now.plus(lead)); t = t.plus(slot)) {
      points.add(t);
    }
    Instant end = now.plus(lead);
    if (points.isEmpty() || slot(points.get(points.size() - 1)) != slot(end)) {
      points.add(end);
    }
    int least = Integer.MAX_VALUE;
    for (int back = 1; back <= count; back++) {
      int most = UNSEEN;
      for (Instant t : points) {
        Period p = find(index(t) - back);
        int peak = p == null ? UNSEEN : p.peaks().get(slot(t));
        if (peak == UNSEEN) {
          return OptionalInt.empty();
        }
        most = Math.max(most, peak);
      }
      least = Math.min(least, most);
    }
    return OptionalInt.of(least);
  }

  /**
   * What is kept in the status: the slots that closed before {@code now}. The open slot's peak is
   * still rising, so writing it would write the status at every new high; it is written once it
   * closes, so a learning fleet writes its status at most once per slot.
   */
  public DemandProfileStatus closedBefore(Instant now) {
    List<DemandPeriod> out = new ArrayList<>();
    long current = index(now);
    int open = slot(now);
    for (Period p : periods) {
      List<Integer> peaks = p.peaks();
      if (p.index() == current) {
        peaks = new ArrayList<>(peaks);
        for (int s = open; s < SLOTS; s++) {
          peaks.set(s, UNSEEN);
        }
      }
      out.add(new DemandPeriod(start(p.index()).toString(), peaks));
    }
    return new DemandProfileStatus((int) period.toMinutes(), out);
  }

  /**
   * The profile a status kept, for a learned schedule of {@code period}; nothing when it was
   * learned with another period or cannot be read (edited by hand), so learning starts afresh.
   */
  public static DemandProfile fromStatus(DemandProfileStatus status, Duration period) {
    DemandProfile empty = new DemandProfile(period, List.of());
    if (status == null
        || status.getPeriodMinutes() == null
        || status.getPeriodMinutes() != period.toMinutes()
        || status.getPeriods() == null) {
      return empty;
    }
    List<Period> periods = new ArrayList<>();
    for (DemandPeriod p : status.getPeriods()) {
      if (p == null || p.getStart() == null || p.getPeaks() == null) {
        return empty;
      }
      if (p.getPeaks().size() != SLOTS || p.getPeaks().stream().anyMatch(v -> v == null)) {
        return empty;
      }
      long index;
      try {
        index = empty.index(Instant.parse(p.getStart()));
      } catch (DateTimeParseException e) {
        return empty;
      }
      if (!periods.isEmpty() && periods.get(periods.size() - 1).index() >= index) {
        return empty;
      }
      periods.add(new Period(index, List.copyOf(p.getPeaks())));
    }
    if (periods.size() > KEPT) {
      periods = periods.subList(periods.size() - KEPT, periods.size());
    }
    return new DemandProfile(period, List.copyOf(periods));
  }

  private Period find(long index) {
    for (Period p : periods) {
      if (p.index() == index) {
        return p;
      }
    }
    return null;
  }

  private Duration slotLength() {
    return period.dividedBy(SLOTS);
  }

  private long index(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), period.toMillis());
  }

  private int slot(Instant t) {
    long into = Math.floorMod(t.toEpochMilli(), period.toMillis());
    return (int) (into * SLOTS / period.toMillis());
  }

  private Instant start(long index) {
    return Instant.ofEpochMilli(index * period.toMillis());
  }
}
