package io.agentfleet.operator.bench;

import java.nio.file.Path;
import java.util.Locale;

/** What every benchmark section states: where its figures came from. */
public final class Bench {
  private Bench() {}

  /** {@code -Dbench.quick=true}: a short run that only proves the benchmark still works. */
  public static boolean quick() {
    return Boolean.getBoolean("bench.quick");
  }

  /** The full run writes the repository's docs; the quick one writes under target/. */
  public static Path docs() {
    return quick() ? Path.of("target", "bench") : Path.of("..", "docs");
  }

  public static String machine() {
    return io.agentfleet.controlplane.BenchmarkReport.machine();
  }

  public static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
