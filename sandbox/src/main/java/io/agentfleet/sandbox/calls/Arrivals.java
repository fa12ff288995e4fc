package io.agentfleet.sandbox.calls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/** Where calls come from: a Poisson process whose rate changes over time, or a trace file. */
public final class Arrivals {
  private Arrivals() {}

  /** Calls per minute as a function of seconds since the start. */
  public interface RateProfile extends DoubleUnaryOperator {
    static RateProfile steady(double perMinute) {
      return t -> perMinute;
    }

    /**
     * A busy/quiet cycle: {@code base * (1 + 0.8 sin(2 pi t / period))}, so the fleet has to scale
     * up and down.
     */
    static RateProfile wave(double basePerMinute, Duration period) {
      double seconds = period.toSeconds();
      return t -> basePerMinute * (1 + 0.8 * Math.sin(2 * Math.PI * t / seconds));
    }
  }

  /**
   * Endless calls: arrivals by thinning a Poisson process at the profile's rate, lengths log-normal
   * around {@code meanLength} (most calls short, a few long, as on a phone line), at least one
   * second.
   */
  public static Iterator<PlannedCall> poisson(
      RateProfile rate, double peakPerMinute, Duration meanLength, String agent, Random random) {
    double peakPerSecond = peakPerMinute / 60.0;
    double sigma = 0.6;
    double mu = Math.log(meanLength.toMillis() / 1000.0) - sigma * sigma / 2;
    return new Iterator<>() {
      double t;

      @Override
      public boolean hasNext() {
        return peakPerSecond > 0;
      }

      @Override
      public PlannedCall next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        while (true) {
          t += -Math.log(1 - random.nextDouble()) / peakPerSecond;
          if (random.nextDouble() * peakPerMinute <= rate.applyAsDouble(t)) {
            double seconds = Math.max(1, Math.exp(mu + sigma * random.nextGaussian()));
            return new PlannedCall(
                Duration.ofMillis((long) (t * 1000)),
                Duration.ofMillis((long) (seconds * 1000)),
                agent);
          }
        }
      }
    };
  }

  /**
   * Calls replayed from a trace: CSV lines {@code arrival_s,duration_s,agent} (a header line and
   * {@code #} comments are skipped; an empty agent means {@code defaultAgent}), with arrival times
   * and lengths divided by {@code timeScale} (10 plays an hour in six minutes).
   */
  public static List<PlannedCall> trace(List<String> lines, double timeScale, String defaultAgent) {
    if (timeScale <= 0) {
      throw new IllegalArgumentException("time scale must be positive");
    }
    List<PlannedCall> calls = new ArrayList<>();
    int number = 0;
    for (String line : lines) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("arrival_s")) {
        continue;
      }
      String[] fields = trimmed.split(",", -1);
      if (fields.length < 2) {
        throw new IllegalArgumentException(
            "trace line " + number + ": want arrival_s,duration_s,agent, got " + line);
      }
      try {
        double arrival = Double.parseDouble(fields[0].strip()) / timeScale;
        double length = Double.parseDouble(fields[1].strip()) / timeScale;
        String agent = fields.length > 2 && !fields[2].isBlank() ? fields[2].strip() : defaultAgent;
        calls.add(
            new PlannedCall(
                Duration.ofMillis((long) (arrival * 1000)),
                Duration.ofMillis((long) (length * 1000)),
                agent));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("trace line " + number + ": " + e.getMessage(), e);
      }
    }
    calls.sort(java.util.Comparator.comparing(PlannedCall::at));
    return calls;
  }
}
