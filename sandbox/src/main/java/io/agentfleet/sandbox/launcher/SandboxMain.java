package io.agentfleet.sandbox.launcher;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.sandbox.calls.Arrivals;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.DevServerState;
import io.agentfleet.sandbox.calls.PlannedCall;
import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.RestartBackoff;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sandbox/run}: the whole system on this machine, with callers, until Ctrl-C. */
@Command(
    name = "sandbox/run",
    mixinStandardHelpOptions = true,
    subcommands = KubeletCommand.class,
    description = {
      "Runs Agentfleet on this machine: a Kubernetes API, the operator, a simulated kubelet that"
          + " runs worker pods as processes, a LiveKit devserver and synthetic callers.",
      "kubectl works against it: export KUBECONFIG=<workdir>/kubeconfig."
    })
public final class SandboxMain implements Callable<Integer> {

  @Option(
      names = "--workdir",
      defaultValue = "sandbox-run",
      description = "Logs, kubeconfig, call ledger (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(
      names = "--crd",
      defaultValue = "crds/agentdeployments.agentfleet.io-v1.yml",
      description = "The AgentDeployment CRD (default: ${DEFAULT-VALUE}).")
  Path crd;

  @Option(
      names = "--operator-jar",
      defaultValue = "operator/target/quarkus-app/quarkus-run.jar",
      description = "The operator app (default: ${DEFAULT-VALUE}).")
  Path operatorJar;

  @Option(
      names = "--worker-jar",
      description =
          "The worker's runnable jar (default: worker/target/agentfleet-worker-*-runnable.jar).")
  Path workerJar;

  @Option(
      names = "--devserver-jar",
      description =
          "The devserver's runnable jar (default: devserver/target/agentfleet-devserver-*-runnable.jar).")
  Path devserverJar;

  @Option(
      names = "--api-port",
      defaultValue = "0",
      description = "Kubernetes API port, 0 for any (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(
      names = "--livekit-port",
      defaultValue = "7880",
      description = "devserver port, 0 for any (default: ${DEFAULT-VALUE}).")
  int livekitPort;

  @Option(
      names = "--operator-port",
      defaultValue = "0",
      description = "operator HTTP port (metrics, health), 0 for any (default: ${DEFAULT-VALUE}).")
  int operatorPort;

  @Option(
      names = "--agent-name",
      defaultValue = "sandbox-agent",
      description = "AgentDeployment and LiveKit agent name (default: ${DEFAULT-VALUE}).")
  String agentName;

  @Option(
      names = "--replicas",
      defaultValue = "2",
      description = "Initial workers (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(
      names = "--rate",
      defaultValue = "30",
      description = "Mean calls per minute (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--profile",
      defaultValue = "wave",
      description =
          "steady, or wave: the rate swings +-80% over --period (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--period",
      defaultValue = "300",
      description = "Seconds of one wave (default: ${DEFAULT-VALUE}).")
  long periodSeconds;

  @Option(
      names = "--mean-call",
      defaultValue = "20",
      description = "Mean call length in seconds, log-normal (default: ${DEFAULT-VALUE}).")
  double meanCallSeconds;

  @Option(
      names = "--trace",
      description = "Replay calls from a CSV file: arrival_s,duration_s,agent.")
  Path trace;

  @Option(
      names = "--time-scale",
      defaultValue = "1",
      description = "Play a trace this many times faster (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--no-calls", description = "Start everything but place no calls.")
  boolean noCalls;

  @Option(
      names = "--no-autoscale",
      description =
          "Keep the sample at --replicas (kubectl scale sticks); by default the operator scales it"
              + " between 1 and 8 workers on their load.")
  boolean noAutoscale;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed of the callers (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--duration",
      defaultValue = "0",
      description =
          "Stop after this many seconds; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(
      names = "--backoff",
      defaultValue = "10",
      description = "Crash-loop back-off base in seconds (default: ${DEFAULT-VALUE}).")
  long backoffSeconds;

  @Option(
      names = "--image",
      description =
          "Run another image as a command: IMAGE=COMMAND ARGS..., {port} is the pod's status port. Repeatable.")
  List<String> images = new ArrayList<>();

  @Option(names = "--media", description = "Make N calls real audio calls (not available yet).")
  Integer media;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (media != null) {
      System.err.println("--media is not available yet: calls hold without audio.");
      return 2;
    }
    SandboxConfig config =
        new SandboxConfig(
            workdir,
            crd,
            operatorJar,
            workerJar != null ? workerJar : find(Path.of("worker/target"), "agentfleet-worker-"),
            devserverJar != null
                ? devserverJar
                : find(Path.of("devserver/target"), "agentfleet-devserver-"),
            apiPort,
            livekitPort,
            operatorPort,
            new RestartBackoff(Duration.ofSeconds(backoffSeconds), Duration.ofMinutes(5)),
            images.stream().map(SandboxMain::imageRule).toList());
    for (Path required :
        List.of(config.crd(), config.operatorJar(), config.workerJar(), config.devserverJar())) {
      if (!Files.exists(required)) {
        System.err.println(
            required + " is missing: run ./sandbox/run from the repository root, which builds it.");
        return 1;
      }
    }
    out.println("Starting the sandbox (Kubernetes API, devserver, kubelet, operator)...");
    long started = System.nanoTime();
    try (Sandbox sandbox = Sandbox.start(config)) {
      Path agentFile = workdir.resolve("agent.yaml");
      Files.writeString(
          agentFile, SampleAgent.yaml(agentName, sandbox.livekitUrl(), replicas, !noAutoscale));
      sandbox
          .client()
          .resources(AgentDeployment.class)
          .inNamespace("default")
          .resource(SampleAgent.deployment(agentName, sandbox.livekitUrl(), replicas, !noAutoscale))
          .createOr(existing -> existing.update());
      printWhereThingsAre(out, sandbox, agentFile, started);
      if (!noCalls) {
        sandbox.callers().play(plan());
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      long runStart = System.nanoTime();
      while (!stop.await(1, TimeUnit.SECONDS)) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - runStart);
        out.println(summary(sandbox, elapsed));
        if (durationSeconds > 0 && elapsed.toSeconds() >= durationSeconds) {
          break;
        }
      }
      sandbox.callers().close();
      sandbox.ledger().close();
      Path ledgerFile = workdir.resolve("calls.csv");
      sandbox.ledger().write(ledgerFile);
      Map<CallOutcome, Integer> counts = sandbox.ledger().counts();
      out.println("Calls: " + counts + " (ledger: " + ledgerFile + ")");
      out.println("Stopping...");
    }
    return 0;
  }

  private Iterator<PlannedCall> plan() throws IOException {
    if (trace != null) {
      return Arrivals.trace(Files.readAllLines(trace), timeScale, agentName).iterator();
    }
    Arrivals.RateProfile rates =
        profile.equals("steady")
            ? Arrivals.RateProfile.steady(rate)
            : Arrivals.RateProfile.wave(rate, Duration.ofSeconds(periodSeconds));
    double peak = profile.equals("steady") ? rate : rate * 1.8;
    return Arrivals.poisson(
        rates,
        peak,
        Duration.ofMillis((long) (meanCallSeconds * 1000)),
        agentName,
        new Random(seed));
  }

  private String summary(Sandbox sandbox, Duration elapsed) {
    try {
      List<Pod> pods =
          sandbox
              .client()
              .pods()
              .inNamespace("default")
              .withLabel("agentfleet.io/deployment", agentName)
              .list()
              .getItems();
      AgentDeployment deployment =
          sandbox
              .client()
              .resources(AgentDeployment.class)
              .inNamespace("default")
              .withName(agentName)
              .get();
      DevServerState state = sandbox.rooms().state();
      return SummaryLine.render(
          elapsed,
          sandbox.ledger().counts(),
          pods,
          state.snapshot(agentName),
          deployment == null ? null : deployment.getStatus());
    } catch (IOException | RuntimeException e) {
      return String.format(
          "[%4ds] (status not available: %s)", elapsed.toSeconds(), e.getMessage());
    }
  }

  private void printWhereThingsAre(PrintStream out, Sandbox sandbox, Path agentFile, long started) {
    String lk = sandbox.livekitUrl();
    String lkHttp = lk.replace("ws://", "http://");
    String op = "http://127.0.0.1:" + sandbox.operatorPort();
    Path logs = workdir.resolve("logs");
    out.printf(
        """
        Agentfleet sandbox is up (%ds):
          Kubernetes API  %s
                          export KUBECONFIG=%s
                          kubectl get agd; kubectl get pods; kubectl scale agd/%s --replicas=4
          LiveKit         %s  (devserver; API key %s, secret %s; state %s/devserver/state)
          operator        metrics %s/q/metrics, health %s/q/health, log %s
          workers         pods run as processes; logs in %s (or kubectl logs <pod>)
          agent           AgentDeployment %s from %s
          calls           %s; ledger written to %s at the end
        Ctrl-C stops everything.
        """,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        sandbox.api().url(),
        sandbox.kubeconfig().toAbsolutePath(),
        agentName,
        lk,
        SandboxConfig.API_KEY,
        SandboxConfig.API_SECRET,
        lkHttp,
        op,
        op,
        logs.resolve("operator.log"),
        logs.resolve("pods"),
        agentName,
        agentFile,
        noCalls
            ? "none (--no-calls)"
            : trace != null
                ? "replayed from " + trace + " at " + timeScale + "x"
                : String.format("%s, about %.0f/min, mean %.0f s", profile, rate, meanCallSeconds),
        workdir.resolve("calls.csv"));
  }

  static ImageRule imageRule(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("--image wants IMAGE=COMMAND, got " + spec);
    }
    List<String> command = List.of(spec.substring(eq + 1).trim().split("\\s+"));
    return new ImageRule(
        spec.substring(0, eq).trim(), command, List.of(), Map.of("PORT", "{port}"));
  }

  /** The runnable jar a module's build left in its target folder. */
  static Path find(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return dir.resolve(prefix + "VERSION-runnable.jar");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p ->
                  p.getFileName().toString().startsWith(prefix)
                      && p.getFileName().toString().endsWith("-runnable.jar"))
          .findFirst()
          .orElse(dir.resolve(prefix + "VERSION-runnable.jar"));
    }
  }

  public static void main(String[] args) {
    int code = new CommandLine(new SandboxMain()).execute(args);
    System.exit(code);
  }
}
