package io.agentfleet.worker.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.controlplane.BenchmarkReport;
import io.agentfleet.controlplane.PrivateNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many echo calls one JVM carries end to end, measured by {@link EchoCapacity} in a private
 * network namespace; writes its table into {@code docs/benchmarks.md}. Not part of the build's
 * tests (tag {@code benchmark}); {@link #COMMAND} runs it. {@code -Dbench.levels=1,4,8} and {@code
 * -Dbench.seconds=15} choose the call counts and how long each call speaks.
 */
@Tag("benchmark")
class MediaBenchmark {
  static final String COMMAND =
      "./mvnw -B -ntp -pl worker -am verify -Pbenchmark -Dtest=MediaBenchmark"
          + " -Dsurefire.failIfNoSpecifiedTests=false";

  @Test
  void echoCallsThroughTheRelayOnOneMachine() throws Exception {
    Optional<String> why = PrivateNetwork.unavailable();
    assumeTrue(why.isEmpty(), () -> "the media benchmark needs a network namespace: " + why.get());
    String levels = System.getProperty("bench.levels", "1,4,8,16,24");
    String seconds = System.getProperty("bench.seconds", "15");

    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            EchoCapacity.class, Duration.ofMinutes(20), PrivateNetwork.ADDRESS, levels, seconds);
    System.out.println(result.output());

    List<String> lines = result.output().lines().filter(l -> l.startsWith("BENCH ")).toList();
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(lines).hasSize(levels.split(",").length);
    BenchmarkReport.write(
        Path.of(System.getProperty("agentfleet.docs.dir", "../docs"), "benchmarks.md"),
        "media",
        table(lines, seconds));
  }

  static String table(List<String> lines, String seconds) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("## Echo calls through the devserver relay on one machine\n\n")
        .append("Each call: a Java caller speaks a tone for ")
        .append(seconds)
        .append(" s; the devserver relays it to the Java `echo` agent (no added delay), which")
        .append(" sends it back through the relay. Callers, relay and agent share one JVM and")
        .append(" one media engine, so the CPU figure is the whole path, both directions.\n\n")
        .append("- Command: `")
        .append(COMMAND)
        .append("`\n- Measured: ")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(System.getProperty("java.version"))
        .append(", ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(
            "\n- *audio back*: the share of the spoken 10 ms frames heard back loud (min / mean over"
                + " calls); *first audio*: from the first frame spoken to the first echoed frame"
                + " heard (p50 / max); the caller publishes its track when it starts speaking, so that negotiation is included.\n\n")
        .append("| calls | CPU (cores) | audio back min / mean | first audio p50 / max |")
        .append(" right tone |\n|---:|---:|---:|---:|---:|\n");
    for (String line : lines) {
      Map<String, String> f = fields(line);
      md.append("| ")
          .append(f.get("calls"))
          .append(" | ")
          .append(f.get("cores"))
          .append(" | ")
          .append(f.get("delivered_min"))
          .append(" / ")
          .append(f.get("delivered_mean"))
          .append(" | ")
          .append(f.get("first_audio_ms_p50"))
          .append(" ms / ")
          .append(f.get("first_audio_ms_max"))
          .append(" ms | ")
          .append(f.get("right_tone"))
          .append(" |\n");
    }
    return md.toString();
  }

  static Map<String, String> fields(String line) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : line.substring("BENCH ".length()).split(" ")) {
      String[] kv = part.split("=", 2);
      f.put(kv[0], kv[1]);
    }
    return f;
  }
}
