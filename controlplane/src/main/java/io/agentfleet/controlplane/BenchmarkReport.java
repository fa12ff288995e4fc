package io.agentfleet.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one benchmark's section into {@code docs/benchmarks.md}, between markers of its own, so
 * each benchmark rewrites its figures and leaves the others' alone. Benchmarks are test programs of
 * the modules they measure; this is their one writer.
 */
public final class BenchmarkReport {
  private BenchmarkReport() {}

  /** Where the figures came from: date, cores, JDK and OS, as every section states it. */
  public static String machine() {
    return String.format(
        java.util.Locale.ROOT,
        "%s, %d cores, Java %s, %s %s",
        java.time.LocalDate.now(java.time.ZoneOffset.UTC),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  public static void write(Path file, String name, String section) throws IOException {
    String begin = "<!-- benchmark:" + name + ":begin -->";
    String end = "<!-- benchmark:" + name + ":end -->";
    String block = begin + "\n" + section.strip() + "\n" + end;
    String doc =
        Files.exists(file)
            ? Files.readString(file)
            : "# Benchmarks\n\nFigures written by the benchmarks themselves; each section names the"
                + " command that produced it. Benchmarks are not part of the test run.\n";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String updated =
        from >= 0 && to > from
            ? doc.substring(0, from) + block + doc.substring(to + end.length())
            : doc.stripTrailing() + "\n\n" + block + "\n";
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated);
  }
}
