package io.agentfleet.sandbox.launcher;

import io.agentfleet.controlplane.ChildProcess;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.controlplane.ListenPorts;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.controlplane.LiveKitServer;
import io.agentfleet.sandbox.calls.CallGenerator;
import io.agentfleet.sandbox.calls.CallLedger;
import io.agentfleet.sandbox.calls.LiveKitRooms;
import io.agentfleet.sandbox.calls.ServerJobs;
import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.KubeletConfig;
import io.agentfleet.sandbox.kubelet.SimulatedKubelet;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine, started in dependency order: a real Kubernetes control plane
 * (etcd, kube-apiserver, kube-controller-manager) with the CRD and the operator's RBAC installed,
 * the LiveKit server (livekit-server, webhooks to the operator and the call ledger), the LiveKit
 * credentials Secret, the simulated kubelet, the operator, and the callers with their ledger. The
 * launcher and the system tests both use it.
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  public static final String NODE = "sandbox";

  /**
   * The control plane's defaults, and Deployments with their ReplicaSets: a plain Deployment of
   * workers, what LiveKit documents, runs here too, for comparison.
   */
  static final List<String> CONTROLLERS =
      Stream.concat(
              ControlPlane.DEFAULT_CONTROLLERS.stream(),
              Stream.of("deployment-controller", "replicaset-controller"))
          .toList();

  private final SandboxConfig config;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final Thread shutdownHook;
  private ControlPlane controlPlane;
  private Path kubeconfig;
  private LiveKitServer livekit;
  private LiveKitLog livekitLog;
  private ServerJobs serverJobs;
  private SimulatedKubelet kubelet;
  private ChildProcess operator;
  private int operatorPort;
  private CallLedger ledger;
  private LiveKitRooms rooms;
  private CallGenerator callers;
  private ScheduledExecutorService ledgerFeed;
  private final Set<Long> childPids = new HashSet<>();

  private Sandbox(SandboxConfig config) {
    this.config = config;
    this.shutdownHook = new Thread(this::closeQuietly, "sandbox-shutdown");
  }

  public static Sandbox start(SandboxConfig config) throws IOException {
    Sandbox sandbox = new Sandbox(config);
    Runtime.getRuntime().addShutdownHook(sandbox.shutdownHook);
    try {
      sandbox.startAll();
    } catch (IOException | RuntimeException e) {
      sandbox.close();
      throw e;
    }
    return sandbox;
  }

  private void startAll() throws IOException {
    Path logs = config.workdir().resolve("logs");
    Path podLogs = logs.resolve("pods");
    deleteTree(logs);
    // The server appends to its log, which the ledger reads from the start.
    deleteTree(config.workdir().resolve("livekit"));
    controlPlane =
        ControlPlane.start(
            ControlPlane.Options.in(config.workdir().resolve("controlplane"))
                .withApiPort(config.apiPort())
                .withControllers(CONTROLLERS));
    started.add(controlPlane);
    childPids.addAll(controlPlane.pids());
    Crds.install(client(), config.crd(), Duration.ofSeconds(60));
    kubeconfig = config.workdir().resolve("kubeconfig");
    // The admin's token is in it: readable by its owner only, as the control plane wrote it.
    Files.copy(
        controlPlane.adminKubeconfig(),
        kubeconfig,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    OperatorAccount operatorAccount =
        OperatorAccount.install(
            controlPlane, config.deploy(), config.workdir().resolve("operator.kubeconfig"));

    int lkPort = config.livekitPort() == 0 ? ListenPorts.unused() : config.livekitPort();
    operatorPort =
        config.operatorHttpPort() == 0 ? ListenPorts.unused() : config.operatorHttpPort();
    // Inside the media namespace the server announces the veth address for media (libwebrtc
    // ignores loopback); signalling stays on loopback, where the launcher's relays arrive.
    boolean media = NetworkNamespace.inside();
    livekit =
        LiveKitServer.start(
            LiveKitServer.Options.in(
                    config.workdir().resolve("livekit"),
                    SandboxConfig.API_KEY,
                    SandboxConfig.API_SECRET)
                .withPort(lkPort)
                .withAddresses(
                    media ? "0.0.0.0" : "127.0.0.1", media ? NetworkNamespace.ADDRESS : "127.0.0.1")
                // room_started reaches the operator's autoscaler before the worker is busy.
                .withWebhooks(List.of("http://127.0.0.1:" + operatorPort + "/livekit/webhook")));
    started.add(livekit);
    childPids.add(livekit.pid());
    livekitLog = new LiveKitLog(livekit.log());
    ledger = new CallLedger(Clock.systemUTC());
    serverJobs = new ServerJobs(livekitLog);

    client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SandboxConfig.CREDENTIALS_SECRET)
                .endMetadata()
                .withStringData(
                    Map.of(
                        "api-key", SandboxConfig.API_KEY, "api-secret", SandboxConfig.API_SECRET))
                .build())
        .createOr(existing -> existing.update());

    List<ImageRule> images = new ArrayList<>(config.extraImages());
    images.addAll(WorkerImage.defaults(config.workerJar(), WorkerImage.repoRoot()));
    kubelet =
        new SimulatedKubelet(
                client(),
                new KubeletConfig(NODE, podLogs, images, config.backoff(), Duration.ofSeconds(5)))
            .start();
    started.add(kubelet);

    operator =
        ChildProcess.start(
            "operator",
            operatorCommand(operatorPort),
            withWebhookKey(operatorAccount.env()),
            logs.resolve("operator.log"));
    childPids.add(operator.pid());
    started.add(operator);
    operator.awaitHttpOk(
        "http://127.0.0.1:" + operatorPort + "/q/health/ready", Duration.ofSeconds(120));

    rooms =
        new LiveKitRooms(
            livekit.httpUrl(), SandboxConfig.API_KEY, SandboxConfig.API_SECRET, Clock.systemUTC());
    callers = new CallGenerator(rooms, ledger, Clock.systemUTC());
    started.add(callers);
    ledgerFeed =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ledger-feed");
              t.setDaemon(true);
              return t;
            });
    ledgerFeed.scheduleWithFixedDelay(this::feedLedger, 0, 500, TimeUnit.MILLISECONDS);
    started.add(ledgerFeed::shutdownNow);
  }

  private void feedLedger() {
    try {
      ledger.observe(serverJobs.next());
    } catch (RuntimeException e) {
      LOG.debug("LiveKit server log not read: {}", e.toString());
    }
  }

  /**
   * The operator app as built, in its prod profile: server-side apply, the CRD check at start and
   * leader election through a Lease in its namespace, as one replica on a cluster runs it.
   */
  private List<String> operatorCommand(int httpPort) {
    List<String> command =
        new ArrayList<>(
            List.of(
                WorkerImage.javaBinary(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx384m",
                "-Dquarkus.http.port=" + httpPort,
                // The kubelet runs pods as local processes and names each one's status address.
                "-Dagentfleet.operator.status-address-annotation=true",
                // One replica and nothing to restart it: a renewal stalled for 10 s on a machine
                // saturated by agent processes made it give up its Lease and exit
                // (SdkFleetSystemTest
                // in CI). Here the Lease only has to outlast such stalls.
                "-Dagentfleet.operator.lease-duration=90s",
                "-Dagentfleet.operator.lease-renew-deadline=60s",
                "-Dagentfleet.operator.lease-retry-period=5s"));
    config.operatorProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(config.operatorJar().toAbsolutePath().toString());
    return command;
  }

  private static Map<String, String> withWebhookKey(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    // The key the LiveKit server signs webhooks with.
    all.put("LIVEKIT_API_KEY", SandboxConfig.API_KEY);
    all.put("LIVEKIT_API_SECRET", SandboxConfig.API_SECRET);
    return all;
  }

  /** Logs of an earlier run would mix with this one's. */
  private static void deleteTree(Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  /** A cluster-admin client, as the user of {@link #kubeconfig()} is. */
  public KubernetesClient client() {
    return controlPlane.admin();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  /** The admin kubeconfig, for kubectl. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The LiveKit URL workers are given, e.g. {@code ws://127.0.0.1:7880}. */
  public String livekitUrl() {
    return livekit.url();
  }

  public LiveKitServer livekit() {
    return livekit;
  }

  /** Every line the LiveKit server logged since it started. */
  public List<LiveKitLog.Entry> livekitLog() {
    return livekitLog.entries();
  }

  /** The workers the LiveKit server has registered now (it has no API that lists them). */
  public List<LiveKitLog.Worker> registeredWorkers(String agentName) {
    return livekitLog.registeredWorkers().stream()
        .filter(w -> w.agentName().equals(agentName))
        .toList();
  }

  public SimulatedKubelet kubelet() {
    return kubelet;
  }

  public ChildProcess operator() {
    return operator;
  }

  public int operatorPort() {
    return operatorPort;
  }

  /** The operator's read-only dashboard. */
  public String dashboardUrl() {
    return "http://127.0.0.1:" + operatorPort + "/dashboard";
  }

  public CallLedger ledger() {
    return ledger;
  }

  public LiveKitRooms rooms() {
    return rooms;
  }

  public CallGenerator callers() {
    return callers;
  }

  /** Every process the sandbox started: the control plane, LiveKit, operator, every worker. */
  public Set<Long> startedPids() {
    Set<Long> pids = new HashSet<>(childPids);
    if (kubelet != null) {
      pids.addAll(kubelet.startedPids());
    }
    return pids;
  }

  /** Stops everything in reverse order of start. */
  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", started.get(i), e.toString());
      }
    }
    started.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      // best effort on JVM exit
    }
  }
}
