package io.agentfleet.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Calls to replay: arrival and duration in seconds, and the agent they ask for. */
record Trace(List<Call> calls, double lengthSeconds, String source) {

  record Call(double arrival, double duration, String agent) {}

  /**
   * Days of calls, each compressed into {@code daySeconds}: a diurnal rate (night trough at 4:00,
   * top at 16:00) with two bursts (10:00 and 19:00, up to +60 %, about an hour of the day each),
   * the same rate every day, Poisson arrivals by thinning (so no two days have the same calls),
   * log-normal durations (median 120 s, sigma 0.7; real length, not compressed).
   */
  static Trace diurnal(long seed, double daySeconds, double peakRatePerSecond, int days) {
    Random random = new Random(seed);
    double compression = 86_400.0 / daySeconds;
    double lengthSeconds = daySeconds * days;
    double max = peakRatePerSecond * 1.6;
    List<Call> calls = new ArrayList<>();
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / max;
      if (t >= lengthSeconds) {
        break;
      }
      if (random.nextDouble() * max <= rate((t % daySeconds) * compression, peakRatePerSecond)) {
        double duration = Math.exp(Math.log(120) + 0.7 * random.nextGaussian());
        calls.add(new Call(t, Math.max(5, duration), "agent"));
      }
    }
    return new Trace(
        calls,
        lengthSeconds,
        String.format(
            java.util.Locale.ROOT,
            "generated: %d days of 24 h, each compressed %.0f× (%.0f s), peak %.2f calls/s, seed %d",
            days,
            compression,
            daySeconds,
            peakRatePerSecond,
            seed));
  }

  /** Arrival rate at second {@code daySecond} of the (uncompressed) day. */
  static double rate(double daySecond, double peak) {
    double h = daySecond / 3600.0;
    double diurnal = 0.08 + 0.92 * (0.5 - 0.5 * Math.cos(2 * Math.PI * (h - 4) / 24));
    double bursts = 0.6 * (bump(h, 10, 0.5) + bump(h, 19, 0.5));
    return peak * Math.min(1.6, diurnal + bursts);
  }

  private static double bump(double h, double centre, double width) {
    double d = (h - centre) / width;
    return Math.exp(-0.5 * d * d);
  }

  /** A CSV {@code arrival_s,duration_s,agent}, header optional. */
  static Trace csv(Path file) throws IOException {
    List<Call> calls = new ArrayList<>();
    int line = 0;
    for (String row : Files.readAllLines(file)) {
      line++;
      String[] f = row.split(",");
      if (row.isBlank() || (line == 1 && f[0].strip().startsWith("arrival"))) {
        continue;
      }
      try {
        calls.add(
            new Call(
                Double.parseDouble(f[0].strip()),
                Double.parseDouble(f[1].strip()),
                f.length > 2 ? f[2].strip() : "agent"));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + ":" + line + ": expected arrival_s,duration_s,agent");
      }
    }
    calls.sort(Comparator.comparingDouble(Call::arrival));
    double end = calls.isEmpty() ? 0 : calls.get(calls.size() - 1).arrival() + 1;
    return new Trace(calls, end, "CSV " + file);
  }
}
