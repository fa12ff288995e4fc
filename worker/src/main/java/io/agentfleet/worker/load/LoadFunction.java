package io.agentfleet.worker.load;

import java.util.Locale;

/**
 * How the worker turns what it measures into the load it reports to LiveKit (0 = idle, 1 = full).
 */
public enum LoadFunction {
  /** Active jobs / max jobs: predictable, good for tests and for I/O-bound agents. */
  JOBS,
  /** CPU of the container relative to its CPU limit, as the Python and Node SDKs default to. */
  CPU,
  /** The larger of the two: a worker is as loaded as its tightest resource. */
  MAX;

  public double apply(double jobFraction, double cpu) {
    double load =
        switch (this) {
          case JOBS -> jobFraction;
          case CPU -> cpu;
          case MAX -> Math.max(jobFraction, cpu);
        };
    return Math.max(0, Math.min(1, load));
  }

  public static LoadFunction parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
