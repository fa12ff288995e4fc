package io.agentfleet.operator.autoscale;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.BitSet;

/**
 * A standard five-field cron expression: minute, hour, day of month, month, day of week (0 or 7 is
 * Sunday). Fields take {@code *}, numbers, ranges {@code a-b}, lists {@code a,b} and steps {@code *
 * /n} or {@code a-b/n}. As in Vixie cron, when both day fields are restricted a day matches if
 * either does.
 */
public final class CronExpression {

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronExpression(String[] f) {
    minutes = field(f[0], 0, 59, "minute");
    hours = field(f[1], 0, 23, "hour");
    daysOfMonth = field(f[2], 1, 31, "day of month");
    months = field(f[3], 1, 12, "month");
    BitSet dow = field(f[4], 0, 7, "day of week");
    if (dow.get(7)) {
      dow.set(0);
    }
    daysOfWeek = dow;
    domRestricted = !f[2].equals("*");
    dowRestricted = !f[4].equals("*");
  }

  public static CronExpression parse(String expression) {
    if (expression == null) {
      throw new IllegalArgumentException("cron expression is missing");
    }
    String[] fields = expression.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "cron expression needs 5 fields (minute hour day-of-month month day-of-week), got "
              + fields.length);
    }
    return new CronExpression(fields);
  }

  /** Whether a schedule fires at this local minute. */
  public boolean matches(LocalDateTime t) {
    if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow =
        daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static BitSet field(String text, int min, int max, String name) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",")) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), 1, max, name);
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(ends[0], min, max, name);
        to = number(ends[1], min, max, name);
        if (from > to) {
          throw new IllegalArgumentException(name + " range " + range + " runs backwards");
        }
      } else {
        from = number(range, min, max, name);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String text, int min, int max, String name) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + text + "' is not a number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }
}
