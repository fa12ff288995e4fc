package io.agentfleet.devserver.interop;

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
 * Runs a Java main class in a private network namespace (the worker's media tests use the same
 * recipe; the modules share no test code in this direction) ({@code unshare -n}) with a veth pair
 * 10.213.0.1/24 – 10.213.0.2/24, so WebRTC traffic never touches the machine's interfaces and
 * libwebrtc (which ignores loopback) still finds addresses. Needs root, {@code unshare}, {@code
 * ip}, and Debian's libpulse0 for webrtc-java.
 */
final class NetNs {
  static final String HOST = "10.213.0.1";

  private static final String LIVEKIT_BIN = "agentfleet.livekit.bin";

  /** The output and exit code of a finished child. */
  record Result(int exitCode, String output) {}

  private NetNs() {}

  /** Why media tests cannot run here, or empty when they can. */
  static Optional<String> unavailable() {
    if (Boolean.getBoolean("media.skip")) {
      return Optional.of("media tests skipped by -Dmedia.skip=true");
    }
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return Optional.of("not Linux");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root (unshare -n and veth need it)");
    }
    for (String tool : List.of("unshare", "ip")) {
      if (onPath(tool).isEmpty()) {
        return Optional.of(tool + " is not on PATH");
      }
    }
    if (!libraryPresent("libpulse.so.0")) {
      return Optional.of("libpulse.so.0 is missing (Debian: apt-get install libpulse0)");
    }
    // Root without CAP_NET_ADMIN (a container) cannot set the pair up: skip, do not fail.
    try {
      Process probe =
          new ProcessBuilder(inNamespace(List.of("true"))).redirectErrorStream(true).start();
      if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        probe.destroyForcibly();
        return Optional.of(
            "a network namespace with a veth pair cannot be set up here: "
                + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip());
      }
    } catch (IOException | InterruptedException e) {
      return Optional.of("a network namespace cannot be set up here: " + e);
    }
    return Optional.empty();
  }

  /** {@code command} run in a new network namespace with the veth pair up. */
  private static List<String> inNamespace(List<String> command) {
    String script =
        String.join(
            " && ",
            "ip link set lo up",
            "ip link add v0 type veth peer name v1",
            "ip addr add 10.213.0.1/24 dev v0",
            "ip addr add 10.213.0.2/24 dev v1",
            "ip link set v0 up",
            "ip link set v1 up",
            "exec \"$@\"");
    List<String> wrapped = new ArrayList<>(List.of("unshare", "-n", "sh", "-c", script, "netns"));
    wrapped.addAll(command);
    return wrapped;
  }

  static Result runJava(Class<?> main, Duration timeout, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> javaCmd =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    javaCmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    for (String property : List.of(LIVEKIT_BIN, "agentfleet.livekit.workdir")) {
      if (System.getProperty(property) != null) {
        javaCmd.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    javaCmd.add(main.getName());
    javaCmd.addAll(List.of(args));
    List<String> command = inNamespace(javaCmd);
    Path log = Files.createTempFile("media-scenarios", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
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
            "/usr/lib64",
            "/usr/lib",
            "/lib/x86_64-linux-gnu")) {
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
