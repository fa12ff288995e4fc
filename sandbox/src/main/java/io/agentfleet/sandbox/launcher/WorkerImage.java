package io.agentfleet.sandbox.launcher;

import io.agentfleet.sandbox.kubelet.ImageRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images the sandbox runs without {@code --image}: {@code agentfleet/worker:<any tag>} runs our
 * worker jar on the JVM running the sandbox; {@code agentfleet/python-agent} and {@code
 * agentfleet/node-agent} run {@code examples/python-agent} (livekit-agents) and {@code
 * examples/node-agent} (@livekit/agents) from the checkout.
 */
public final class WorkerImage {
  public static final String IMAGE = "agentfleet/worker";
  public static final String PYTHON_AGENT_IMAGE = "agentfleet/python-agent";
  public static final String NODE_AGENT_IMAGE = "agentfleet/node-agent";

  /** The python of the example's venv, when it is not the one tools/python-agent-env.sh makes. */
  public static final String PYTHON_PROPERTY = "agentfleet.python-agent.python";

  public static final String PYTHON_ENV = "AGENTFLEET_PYTHON_AGENT_PYTHON";

  /**
   * Runs the rest of the command if its first argument exists, else says what to run and exits 127
   * (the shell's "command not found"), so a pod without its environment crash-loops with that line
   * in its log rather than hanging or failing with a bare exec error.
   */
  private static final String REQUIRE =
      "if [ ! -e \"$0\" ]; then echo \"sandbox: $0 is missing: run $AGENTFLEET_ENV_SCRIPT first\""
          + " >&2; exit 127; fi; exec \"$@\"";

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

  /** Our worker and both example agents, the example agents run from {@code repoRoot}. */
  public static List<ImageRule> defaults(Path workerJar, Path repoRoot) {
    return List.of(rule(workerJar), pythonAgentRule(repoRoot), nodeAgentRule(repoRoot));
  }

  /**
   * {@code <venv>/bin/python examples/python-agent/agent.py start}: the venv is the one {@code
   * tools/python-agent-env.sh} builds for the current requirements.txt (or {@link
   * #PYTHON_PROPERTY}/{@link #PYTHON_ENV}); the agent reads its status port from {@code PORT} and
   * its drain timeout from {@code AGENTFLEET_DRAIN_TIMEOUT_SECONDS}, which the operator sets.
   */
  public static ImageRule pythonAgentRule(Path repoRoot) {
    Path root = repoRoot.toAbsolutePath().normalize();
    Optional<Path> chosen = configuredPython();
    Path python = chosen.orElseGet(() -> pythonAgentVenv(root).resolve("bin/python"));
    // The script marks a venv complete only after pip finished; a half-built one must not run.
    Path ready = chosen.orElseGet(() -> pythonAgentVenv(root).resolve(".complete"));
    return new ImageRule(
        PYTHON_AGENT_IMAGE,
        List.of(
            "sh",
            "-c",
            REQUIRE,
            ready.toString(),
            python.toString(),
            root.resolve("examples/python-agent/agent.py").toString()),
        List.of("start"),
        Map.of(
            "PORT", "{port}",
            "PYTHONUNBUFFERED", "1",
            "AGENTFLEET_ENV_SCRIPT", root.resolve("tools/python-agent-env.sh").toString()));
  }

  /**
   * {@code node examples/node-agent/agent.mjs start} with the node on PATH; its packages are the
   * ones {@code tools/node-agent-env.sh} installs into {@code examples/node-agent/node_modules}.
   */
  public static ImageRule nodeAgentRule(Path repoRoot) {
    Path root = repoRoot.toAbsolutePath().normalize();
    Path dir = root.resolve("examples/node-agent");
    return new ImageRule(
        NODE_AGENT_IMAGE,
        List.of(
            "sh",
            "-c",
            REQUIRE,
            // Written by tools/node-agent-env.sh after npm ci succeeded.
            dir.resolve("node_modules/.agentfleet-lock-sha256").toString(),
            "node",
            dir.resolve("agent.mjs").toString()),
        List.of("start"),
        Map.of(
            "PORT",
            "{port}",
            "AGENTFLEET_ENV_SCRIPT",
            root.resolve("tools/node-agent-env.sh").toString()));
  }

  /**
   * Where {@code tools/python-agent-env.sh} puts the venv for the checkout's requirements.txt:
   * {@code $AGENTFLEET_CACHE/venv/python-agent-<first 16 hex of its sha256>}.
   */
  public static Path pythonAgentVenv(Path repoRoot) {
    Path requirements = repoRoot.resolve("examples/python-agent/requirements.txt");
    String hash;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(requirements));
      hash = HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + requirements, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String cache = System.getenv("AGENTFLEET_CACHE");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "agentfleet");
    return base.resolve("venv").resolve("python-agent-" + hash);
  }

  /**
   * The checkout the sandbox runs from: the nearest folder at or above the working directory that
   * holds {@code examples/python-agent} (the sandbox and its tests run in the checkout or in its
   * {@code sandbox/} module).
   */
  public static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path at = dir; at != null; at = at.getParent()) {
      if (Files.isRegularFile(at.resolve("examples/python-agent/agent.py"))) {
        return at;
      }
    }
    throw new IllegalStateException(
        "no examples/python-agent/agent.py at or above " + dir + ": run from the checkout");
  }

  private static Optional<Path> configuredPython() {
    String value = System.getProperty(PYTHON_PROPERTY, System.getenv(PYTHON_ENV));
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
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
