package io.agentfleet.devserver.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The npm project with the real LiveKit SDKs ({@code devserver/src/test/node}). Installs it with
 * {@code npm ci} from its lockfile when the lockfile changed, runs its scripts, and ends the
 * process trees it started (the agents worker forks job processes that can ignore SIGTERM).
 */
public final class NodeProject {
  private static final String STAMP = ".agentfleet-lock-sha256";

  private final Path dir;

  private NodeProject(Path dir) {
    this.dir = dir;
  }

  /** The project named by {@code agentfleet.node.dir}, or this module's own. */
  public static NodeProject locate() {
    String configured = System.getProperty("agentfleet.node.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("src", "test", "node");
    return new NodeProject(dir.toAbsolutePath().normalize());
  }

  /** The npm project in {@code dir} (with a {@code package-lock.json}). */
  public static NodeProject at(Path dir) {
    return new NodeProject(dir.toAbsolutePath().normalize());
  }

  public Path dir() {
    return dir;
  }

  /** Why interop tests cannot run here, if they cannot. */
  public static Optional<String> unavailable() {
    if (Boolean.getBoolean("interop.skip")) {
      return Optional.of("interop tests skipped by -Dinterop.skip=true");
    }
    for (String tool : List.of("node", "npm")) {
      try {
        Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return Optional.of(tool + " --version failed: skipping the LiveKit npm interop tests");
        }
      } catch (IOException e) {
        return Optional.of(tool + " not found on PATH: skipping the LiveKit npm interop tests");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.empty();
  }

  /**
   * Aborts the calling test class (reported as skipped) when npm software cannot run here, and says
   * why on stderr, where a build log shows it.
   */
  public static void assumeAvailable() {
    Optional<String> why = unavailable();
    why.ifPresent(w -> System.err.println("[interop] SKIPPED: " + w));
    org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), () -> why.orElse(""));
  }

  /** Runs {@code npm ci} unless node_modules was installed from this same lockfile. */
  public synchronized void install() throws Exception {
    byte[] lock = Files.readAllBytes(dir.resolve("package-lock.json"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lock));
    Path stamp = dir.resolve("node_modules").resolve(STAMP);
    if (Files.exists(stamp) && Files.readString(stamp).trim().equals(sha)) {
      return;
    }
    Path log = Files.createTempFile("npm-ci", ".log");
    Process npm =
        new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=warn")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      npm.destroyForcibly();
      throw new IllegalStateException("npm ci failed in " + dir + ":\n" + Files.readString(log));
    }
    Files.writeString(stamp, sha);
  }

  /** Starts {@code node <script> args...} with extra environment, output to {@code log}. */
  public Process start(String script, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs a script to completion and returns its output; fails on a non-zero exit. */
  public String run(String script, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile("node-" + script, ".log");
    Process p = start(script, List.of(), env, log);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(script + " did not finish:\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            script + " exited " + p.exitValue() + ":\n" + Files.readString(log));
      }
      return Files.readString(log);
    } finally {
      killTree(p);
    }
  }

  /** Kills a process this test started and every descendant, by PID. */
  public static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort: the process may already be gone
      }
    }
  }
}
