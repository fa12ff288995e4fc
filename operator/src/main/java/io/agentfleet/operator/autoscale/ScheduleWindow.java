package io.agentfleet.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * A recurring window: opens when the cron expression fires in its time zone, stays open for a
 * duration measured in real time. Across a DST change the window keeps its length; a start time
 * that does not exist that day (spring forward) does not fire, one that exists twice (fall back)
 * fires at its first occurrence, as cron does.
 */
public record ScheduleWindow(CronExpression cron, ZoneId zone, Duration length, int minReplicas) {

  /** Is the window open at this instant? Looks back over its length minute by minute. */
  public boolean openAt(Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES);
    Instant earliest = now.minus(length);
    for (Instant t = end; t.isAfter(earliest); t = t.minus(1, ChronoUnit.MINUTES)) {
      ZonedDateTime local = t.atZone(zone);
      // During fall-back the same wall minute comes twice; fire only at its first occurrence.
      boolean secondOccurrence = !local.withEarlierOffsetAtOverlap().equals(local);
      if (!secondOccurrence && cron.matches(local.toLocalDateTime())) {
        return true;
      }
    }
    return false;
  }
}
