package io.agentfleet.operator.apiserver;

import io.agentfleet.controlplane.ChildProcess;
import io.agentfleet.controlplane.ListenPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator as packaged ({@code target/quarkus-app/quarkus-run.jar}, prod profile, leader
 * election on) running as its own process under a ServiceAccount's token, as a pod of {@code
 * deploy/operator.yaml} would: its kubeconfig's namespace and {@code KUBERNETES_NAMESPACE} are the
 * operator's namespace (where its Lease lives) and {@code HOSTNAME} is its election identity.
 */
final class OperatorProcess implements AutoCloseable {

  /** Where the jar is; failsafe passes it, else the module's own build output. */
  static Path jar() {
    Path jar =
        Path.of(
            System.getProperty("agentfleet.operator.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no operator jar at " + jar.toAbsolutePath() + ": run ./mvnw -pl operator package first");
    }
    return jar;
  }

  private final String identity;
  private final String serviceAccount;
  private final ChildProcess process;
  private final int port;

  private OperatorProcess(String identity, String serviceAccount, ChildProcess process, int port) {
    this.identity = identity;
    this.serviceAccount = serviceAccount;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the operator; does not wait for it.
   *
   * @param identity its leader-election identity and the name of its log file
   * @param serviceAccount in {@code agentfleet-system}, whose token it runs with
   * @param env settings on top of the defaults (e.g. {@code AGENTFLEET_WATCH_NAMESPACES})
   */
  static OperatorProcess start(
      Testbed bed, String identity, String serviceAccount, Map<String, String> env) {
    // Small and quick to start: several of these share two cores with the control plane.
    return start(
        bed,
        identity,
        serviceAccount,
        env,
        List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
  }

  /** As above, with these JVM options instead of the small, quick-starting defaults. */
  static OperatorProcess start(
      Testbed bed,
      String identity,
      String serviceAccount,
      Map<String, String> env,
      List<String> jvmOptions) {
    try {
      Path dir = bed.workdir().resolve("operators");
      Path kubeconfig =
          bed.kubeconfig(
              dir.resolve(identity + ".kubeconfig"), Testbed.OPERATOR_NAMESPACE, serviceAccount);
      int port = ListenPorts.unused();
      Map<String, String> all = new HashMap<>();
      all.put("KUBECONFIG", kubeconfig.toString());
      all.put("KUBERNETES_NAMESPACE", Testbed.OPERATOR_NAMESPACE);
      all.put("HOSTNAME", identity);
      all.put("QUARKUS_HTTP_HOST", "127.0.0.1");
      all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      all.putAll(env);
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(jvmOptions);
      boolean[] archives = {false};
      command.addAll(classDataSharing(archive(bed.workdir().getParent()), archives));
      // The testbed's kubelet runs workers as local processes and names their address.
      command.add("-Dagentfleet.operator.status-address-annotation=true");
      command.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
      Path log = dir.resolve(identity + ".log");
      Files.deleteIfExists(log);
      OperatorProcess started =
          new OperatorProcess(
              identity,
              serviceAccount,
              ChildProcess.start("operator " + identity, command, all, log),
              port);
      if (archives[0]) {
        synchronized (ARCHIVE_LOCK) {
          archiver = started;
        }
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Object ARCHIVE_LOCK = new Object();

  /** The operator writing the class archive at its exit, if one is, and where it will be. */
  private static OperatorProcess archiver;

  private static Path archive;

  /**
   * The tier starts the operator some forty times; loading its classes from an archive that one of
   * them writes at its exit (dynamic AppCDS) saves a good part of each start's CPU. An operator
   * killed with SIGKILL writes none; the next one to start tries again.
   */
  private static List<String> classDataSharing(Path archive, boolean[] writes) throws IOException {
    synchronized (ARCHIVE_LOCK) {
      if (Files.isRegularFile(archive)) {
        return List.of(
            "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
      }
      if (archiver == null) {
        writes[0] = true;
        OperatorProcess.archive = archive;
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(partial(archive));
        // Written aside and moved in place once complete, so nobody starts from half an archive.
        return List.of(
            "-XX:ArchiveClassesAtExit=" + partial(archive),
            "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off");
      }
      return List.of();
    }
  }

  private static Path archive(Path folder) throws IOException {
    Path jar = jar();
    return folder.resolve(
        "operator-%d-%d.jsa".formatted(Files.size(jar), Files.getLastModifiedTime(jar).toMillis()));
  }

  private static Path partial(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".partial");
  }

  private void ended() {
    synchronized (ARCHIVE_LOCK) {
      if (archiver != this) {
        return;
      }
      archiver = null;
      try {
        if (Files.isRegularFile(partial(archive))) {
          Files.move(partial(archive), archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        // no archive: the next operator to start writes one
      }
    }
  }

  /** Waits for {@code /q/health/ready}; fails with the end of the log if it exits or stalls. */
  OperatorProcess awaitReady() {
    try {
      process.awaitHttpOk("http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(90));
      return this;
    } catch (IOException e) {
      throw new AssertionError("operator " + identity + " did not become ready: " + e.getMessage());
    }
  }

  String identity() {
    return identity;
  }

  /** The name the API server (and its audit log) knows it by. */
  String user() {
    return "system:serviceaccount:" + Testbed.OPERATOR_NAMESPACE + ":" + serviceAccount;
  }

  Path log() {
    return process.log();
  }

  String logText() {
    try {
      return Files.readString(process.log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** For assertion messages: where to look when something fails. */
  String seeLog() {
    return "operator log: " + process.log();
  }

  boolean alive() {
    return process.alive();
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  /** SIGKILL: no shutdown hook, no Lease released, as when a node dies. */
  void kill() {
    ProcessHandle.of(process.pid())
        .ifPresent(
            h -> {
              h.destroyForcibly();
              try {
                h.onExit().get(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("operator " + identity + " survived SIGKILL", e);
              }
            });
    ended();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
    ended();
  }
}
