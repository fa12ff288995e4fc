package io.agentfleet.sandbox.launcher;

import io.agentfleet.sandbox.kubelet.ImageRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code agentfleet/worker:<any tag>} runs our worker jar on the JVM running the sandbox. */
public final class WorkerImage {
  public static final String IMAGE = "agentfleet/worker";

  private WorkerImage() {}

  public static ImageRule rule(Path workerJar) {
    return new ImageRule(
        IMAGE,
        command(workerJar),
        List.of("start"),
        Map.of(
            "AGENTFLEET_HTTP_PORT", "{port}",
            // The operator names it ..._SECONDS; the worker reads AGENTFLEET_DRAIN_TIMEOUT.
            "AGENTFLEET_DRAIN_TIMEOUT", "{env:AGENTFLEET_DRAIN_TIMEOUT_SECONDS}"));
  }

  /** The worker jar's command line without its subcommand (workers, and callers of media calls). */
  public static List<String> command(Path workerJar) {
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    // Small, quick-starting JVMs: many workers share two cores here.
    command.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx96m",
            "-Xss512k",
            "-XX:-UsePerfData",
            "-jar",
            workerJar.toAbsolutePath().toString()));
    return command;
  }

  /** The java of the JVM running the sandbox, so workers run on the same version. */
  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
