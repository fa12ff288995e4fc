package io.agentfleet.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Ages in kubectl's short form (its {@code duration.HumanDuration}): {@code 45s}, {@code 3m12s},
 * {@code 5h10m}, {@code 3d4h}, {@code 2y}, so a column of ages reads the same as in {@code kubectl
 * get}.
 */
public final class Age {

  private Age() {}

  /** {@code <unknown>} when the timestamp is absent or unreadable, as kubectl prints it. */
  public static String since(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isBlank()) {
      return "<unknown>";
    }
    try {
      return of(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  public static String of(Duration age) {
    long seconds = age.getSeconds();
    if (seconds < 0) {
      // Clock skew between this machine and the API server: kubectl shows it as 0s too.
      seconds = 0;
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
