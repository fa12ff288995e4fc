package io.agentfleet.sandbox.agents;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds each SDK's environment once per test JVM with the project's own scripts (a venv from PyPI,
 * {@code npm ci} from npm). The first build takes a minute or so; later runs find it done.
 */
public final class AgentEnvironments {
  private static final Map<AgentSdk, Optional<String>> PROBLEMS = new EnumMap<>(AgentSdk.class);

  private AgentEnvironments() {}

  /** Empty when the SDK's environment is ready, else why it could not be made. */
  public static synchronized Optional<String> problem(AgentSdk sdk, Path repoRoot, Path logs) {
    return PROBLEMS.computeIfAbsent(sdk, s -> build(s, repoRoot, logs));
  }

  private static Optional<String> build(AgentSdk sdk, Path repoRoot, Path logs) {
    Path script = repoRoot.resolve(sdk.envScript);
    Path log = logs.resolve(sdk.lower() + "-env.log");
    try {
      Files.createDirectories(logs);
      Instant start = Instant.now();
      Process process =
          new ProcessBuilder(List.of("bash", script.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(15, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return Optional.of(script + " did not finish in 15 minutes; see " + log);
      }
      if (process.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        return Optional.of(
            script + " exited " + process.exitValue() + " (" + last + "); see " + log);
      }
      System.out.printf(
          "%s environment ready in %d ms (%s)%n",
          sdk.lower(), Duration.between(start, Instant.now()).toMillis(), script);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot run " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while running " + script);
    }
  }
}
