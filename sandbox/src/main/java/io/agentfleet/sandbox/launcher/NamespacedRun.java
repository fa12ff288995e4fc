package io.agentfleet.sandbox.launcher;

import io.agentfleet.controlplane.ListenPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox re-executed inside a private network namespace for {@code --media}, so
 * livekit-server, workers, callers, API and operator share it (loopback works inside for everything
 * but WebRTC). The outer process copies the inner one's output, forwards Ctrl-C's end to it, and
 * relays the Kubernetes API and LiveKit ports from the host's 127.0.0.1 into the namespace through
 * Unix sockets, so kubectl and the kubeconfig work unchanged from any shell.
 */
final class NamespacedRun {
  /** Where the inner sandbox listens on Unix sockets for the outer relays. */
  static final String RELAY_DIR_ENV = "AGENTFLEET_SANDBOX_RELAY_DIR";

  private static final String API_SOCKET = "api.sock";
  private static final String LIVEKIT_SOCKET = "livekit.sock";

  private final List<String> args;
  private final int apiPort;
  private final int livekitPort;

  NamespacedRun(List<String> args, int apiPort, int livekitPort) {
    this.args = List.copyOf(args);
    this.apiPort = apiPort;
    this.livekitPort = livekitPort;
  }

  /** Runs the inner sandbox to its end and returns its exit code. */
  int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
    // Fixed here, so the ports in the kubeconfig are the same inside and on the host.
    int api = apiPort == 0 ? ListenPorts.unused() : apiPort;
    int livekit = livekitPort == 0 ? ListenPorts.unused() : livekitPort;
    List<String> innerArgs =
        SandboxMain.withOption(
            SandboxMain.withOption(args, "--api-port", Integer.toString(api)),
            "--livekit-port",
            Integer.toString(livekit));
    Path relayDir = Files.createTempDirectory("agentfleet-sandbox-");
    ProcessBuilder builder = new ProcessBuilder(NetworkNamespace.wrap(javaCommand(innerArgs)));
    builder.environment().put(NetworkNamespace.INSIDE_ENV, "1");
    builder.environment().put(RELAY_DIR_ENV, relayDir.toAbsolutePath().toString());
    out.println(
        "--media: running the sandbox in a private network namespace (unshare -n, veth "
            + NetworkNamespace.ADDRESS
            + "-"
            + NetworkNamespace.PEER_ADDRESS
            + ")");
    Process inner = builder.start();
    inner.getOutputStream().close();
    Thread copyOut = copy(inner.getInputStream(), out, "inner-stdout");
    Thread copyErr = copy(inner.getErrorStream(), err, "inner-stderr");
    List<SocketRelay> relays = new CopyOnWriteArrayList<>();
    relay(api, relayDir.resolve(API_SOCKET), "Kubernetes API", relays, err);
    relay(livekit, relayDir.resolve(LIVEKIT_SOCKET), "LiveKit", relays, err);
    // Ctrl-C reaches both processes; a SIGTERM only this one. Either way this waits for the inner
    // sandbox to stop and report. The signal goes through the handle: Process.destroy() would
    // also close the pipes and lose the inner sandbox's last lines.
    Thread hook =
        new Thread(
            () -> {
              inner.toHandle().destroy();
              awaitQuietly(inner, copyOut, copyErr);
              // The JVM halts when the hooks are done, maybe before the finally below has run.
              cleanUp(relays, relayDir);
            },
            "sandbox-netns-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      int code = inner.waitFor();
      copyOut.join(TimeUnit.SECONDS.toMillis(5));
      copyErr.join(TimeUnit.SECONDS.toMillis(5));
      return code;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
      if (inner.isAlive()) {
        inner.toHandle().destroy();
        awaitQuietly(inner, copyOut, copyErr);
      }
      cleanUp(relays, relayDir);
    }
  }

  private static void cleanUp(List<SocketRelay> relays, Path relayDir) {
    relays.forEach(SocketRelay::close);
    deleteTree(relayDir);
  }

  /**
   * Inside the namespace: the Unix-socket ends of the outer relays, to the API and the LiveKit
   * server. Empty outside it.
   */
  static List<SocketRelay> relaysInside(Sandbox sandbox) throws IOException {
    String dir = System.getenv(RELAY_DIR_ENV);
    if (dir == null || !NetworkNamespace.inside()) {
      return List.of();
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return List.of(
        SocketRelay.start(
            UnixDomainSocketAddress.of(Path.of(dir, API_SOCKET)),
            new InetSocketAddress(loopback, sandbox.controlPlane().apiPort())),
        SocketRelay.start(
            UnixDomainSocketAddress.of(Path.of(dir, LIVEKIT_SOCKET)),
            new InetSocketAddress(loopback, URI.create(sandbox.livekitUrl()).getPort())));
  }

  private static void relay(
      int port, Path socket, String what, List<SocketRelay> relays, PrintStream err) {
    try {
      relays.add(
          SocketRelay.start(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
              UnixDomainSocketAddress.of(socket)));
    } catch (IOException e) {
      err.println(
          "The "
              + what
              + " port 127.0.0.1:"
              + port
              + " is taken on the host ("
              + e.getMessage()
              + "): reach it inside the namespace with nsenter (printed below).");
    }
  }

  /**
   * This JVM's command line for the inner sandbox: the same java, class path, memory and system
   * properties given on the command line (and the log levels, which tests set at run time).
   */
  private static List<String> javaCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of(WorkerImage.javaBinary()));
    for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      boolean debugger = jvmArg.startsWith("-Xdebug") || jvmArg.startsWith("-Xrunjdwp");
      if ((jvmArg.startsWith("-X") || jvmArg.startsWith("-D")) && !debugger) {
        command.add(jvmArg);
      }
    }
    for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
      if (property.getKey().toString().startsWith("org.slf4j.simpleLogger.")) {
        command.add("-D" + property.getKey() + "=" + property.getValue());
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SandboxMain.class.getName());
    command.addAll(args);
    return command;
  }

  private static Thread copy(InputStream from, PrintStream to, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                  to.write(buffer, 0, n);
                  to.flush();
                }
              } catch (IOException ended) {
                // the inner sandbox is gone
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitQuietly(Process inner, Thread... copies) {
    try {
      // The inner sandbox stops its processes within about 10 s; past a minute something hangs.
      if (!inner.waitFor(60, TimeUnit.SECONDS)) {
        inner.destroyForcibly();
      }
      for (Thread copy : copies) {
        copy.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inner.destroyForcibly();
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary folder
    }
  }
}
