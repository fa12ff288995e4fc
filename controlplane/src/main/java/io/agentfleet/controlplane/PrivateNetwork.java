package io.agentfleet.controlplane;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private network namespace for WebRTC: {@code unshare -n} with a veth pair 10.213.0.1/24 –
 * 10.213.0.2/24 and loopback up. libwebrtc ignores loopback, so WebRTC needs an interface; inside
 * the namespace the only ones are the pair, so no media can leave the machine. The sandbox runs
 * itself in one for media calls; the worker's and the devserver's media tests run their scenarios
 * in one ({@link #runJava}).
 */
public final class PrivateNetwork {
  public static final String ADDRESS = "10.213.0.1";
  public static final String PEER_ADDRESS = "10.213.0.2";

  /** Set by a test run to skip media where the namespace could be had. */
  public static final String SKIP_PROPERTY = "media.skip";

  /** Passed on to a {@link #runJava} child, where the starting JVM has them. */
  private static final List<String> PASSED_PROPERTIES =
      List.of(LiveKitServer.PROPERTY, "agentfleet.livekit.workdir");

  /** The output and exit code of a finished child. */
  public record Result(int exitCode, String output) {}

  private PrivateNetwork() {}

  /** Why tests cannot run media here (to skip with), or empty when they can. */
  public static Optional<String> unavailable() {
    if (Boolean.getBoolean(SKIP_PROPERTY)) {
      return Optional.of("media tests skipped by -D" + SKIP_PROPERTY + "=true");
    }
    return missing().map(what -> "this needs " + what);
  }

  /** What prevents creating the namespace (and running WebRTC in it), or empty if nothing. */
  public static Optional<String> missing() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return Optional.of(
          "Linux network namespaces (this is " + System.getProperty("os.name") + ")");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("root (unshare -n and a veth pair need it)");
    }
    for (String tool : List.of("unshare", "ip")) {
      if (onPath(tool).isEmpty()) {
        return Optional.of(
            "`"
                + tool
                + "` (Debian: apt-get install "
                + (tool.equals("ip") ? "iproute2" : "util-linux")
                + ")");
      }
    }
    if (!libraryPresent("libpulse.so.0")) {
      return Optional.of(
          "libpulse.so.0, which webrtc-java needs (Debian: apt-get install libpulse0)");
    }
    return refusedSetup();
  }

  /**
   * Root is not always enough (a container without CAP_SYS_ADMIN or CAP_NET_ADMIN): try the setup
   * once in a throwaway namespace, so a refusal is reported here rather than by a failed start.
   */
  private static Optional<String> refusedSetup() {
    try {
      Process probe = new ProcessBuilder(wrap(List.of("true"))).redirectErrorStream(true).start();
      if (!probe.waitFor(10, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        return Optional.of("a network namespace that can be set up (the probe did not finish)");
      }
      if (probe.exitValue() != 0) {
        String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return Optional.of(
            "permission to create a network namespace with a veth pair (" + why.strip() + ")");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("a network namespace (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("a network namespace (interrupted while probing)");
    }
  }

  /** {@code command} run inside a new namespace with the veth pair up. */
  public static List<String> wrap(List<String> command) {
    String ip = onPath("ip").map(Path::toString).orElse("ip");
    String setup =
        String.join(
            " && ",
            ip + " link set lo up",
            ip + " link add v0 type veth peer name v1",
            ip + " addr add " + ADDRESS + "/24 dev v0",
            ip + " addr add " + PEER_ADDRESS + "/24 dev v1",
            ip + " link set v0 up",
            ip + " link set v1 up",
            "exec \"$@\"");
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                onPath("unshare").map(Path::toString).orElse("unshare"),
                "-n",
                "sh",
                "-c",
                setup,
                "agentfleet-netns"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * Runs a Java main class of this JVM's class path in a new namespace and waits for it: its output
   * and exit code, or exit code -1 with what it printed when it outlived {@code timeout}.
   */
  public static Result runJava(Class<?> main, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> javaCmd =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    javaCmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    for (String property : PASSED_PROPERTIES) {
      if (System.getProperty(property) != null) {
        javaCmd.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    javaCmd.add(main.getName());
    javaCmd.addAll(List.of(args));
    Path log = Files.createTempFile("netns-" + main.getSimpleName(), ".log");
    Process p =
        new ProcessBuilder(wrap(javaCmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n[timed out]");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  private static Optional<Path> onPath(String tool) {
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    // ip lives in /usr/sbin or /sbin, often not on a non-login shell's PATH.
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean libraryPresent(String name) {
    for (String dir :
        List.of(
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu",
            "/usr/lib64",
            "/usr/lib")) {
      if (Files.exists(Path.of(dir, name))) {
        return true;
      }
    }
    try {
      Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      return out.contains(name);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
