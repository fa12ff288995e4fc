package io.agentfleet.sandbox.launcher;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.sandbox.calls.Arrivals;
import io.agentfleet.sandbox.calls.CallLedger;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.MediaCallers;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./sandbox/run}: the whole system on this machine, with callers, until Ctrl-C. */
@Command(
    name = "sandbox/run",
    mixinStandardHelpOptions = true,
    subcommands = KubeletCommand.class,
    description = {
      "Runs Agentfleet on this machine: a Kubernetes control plane (etcd, kube-apiserver,"
          + " kube-controller-manager), the operator, a simulated kubelet that runs worker pods as"
          + " processes, a LiveKit devserver and synthetic callers.",
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
      names = "--deploy",
      defaultValue = "deploy",
      description =
          "The folder of namespace.yaml and rbac.yaml: the operator runs as their ServiceAccount"
              + " (default: ${DEFAULT-VALUE}).")
  Path deploy;

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
      names = "--api-port",
      defaultValue = "0",
      description = "Kubernetes API port, 0 for any (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(
      names = "--livekit-port",
      defaultValue = "7880",
      description = "LiveKit server port, 0 for any (default: ${DEFAULT-VALUE}).")
  int livekitPort;

  @Option(
      names = "--agent",
      defaultValue = "java",
      description =
          "The sample fleet's worker: java (our worker), python (examples/python-agent on"
              + " livekit-agents) or node (examples/node-agent on @livekit/agents)"
              + " (default: ${DEFAULT-VALUE}).")
  String agent;

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
          "steady, or wave: the rate swings +-80%% over --period (default: ${DEFAULT-VALUE}).")
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

  @Option(
      names = "--media",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Up to N calls at a time are real audio calls: the echo agent and a caller process that"
              + " speaks a tone through the devserver and checks it hears it back. Runs the whole"
              + " sandbox in a private network namespace (needs root, unshare, ip, libpulse0);"
              + " kubectl and the LiveKit port stay reachable on 127.0.0.1 (default:"
              + " ${DEFAULT-VALUE}).")
  int media;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (media < 0) {
      System.err.println("--media wants a number of calls, 0 or more; got " + media);
      return 2;
    }
    if (media > 0 && !NetworkNamespace.inside()) {
      Optional<String> missing = NetworkNamespace.missing();
      if (missing.isPresent()) {
        System.err.println(
            "--media needs a private network namespace for WebRTC, which needs "
                + missing.get()
                + "; without --media calls hold without audio.");
        return 2;
      }
      return new NamespacedRun(
              spec.commandLine().getParseResult().originalArgs(), apiPort, livekitPort)
          .run(out, System.err);
    }
    SandboxConfig config =
        new SandboxConfig(
            workdir,
            crd,
            deploy,
            operatorJar,
            workerJar != null ? workerJar : find(Path.of("worker/target"), "agentfleet-worker-"),
            apiPort,
            livekitPort,
            operatorPort,
            new RestartBackoff(Duration.ofSeconds(backoffSeconds), Duration.ofMinutes(5)),
            images.stream().map(SandboxMain::imageRule).toList());
    for (Path required :
        List.of(
            config.crd(),
            config.deploy().resolve("rbac.yaml"),
            config.operatorJar(),
            config.workerJar())) {
      if (!Files.exists(required)) {
        System.err.println(
            required + " is missing: run ./sandbox/run from the repository root, which builds it.");
        return 1;
      }
    }
    SampleAgent.Sdk sdk;
    try {
      sdk = SampleAgent.Sdk.parse(agent);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    out.println(
        "Starting the sandbox (Kubernetes control plane, livekit-server, kubelet, operator)...");
    long started = System.nanoTime();
    try (Sandbox sandbox = Sandbox.start(config)) {
      Path agentFile = workdir.resolve("agent.yaml");
      Files.writeString(
          agentFile,
          SampleAgent.yaml(agentName, sandbox.livekitUrl(), replicas, !noAutoscale, sdk));
      sandbox
          .client()
          .resources(AgentDeployment.class)
          .inNamespace("default")
          .resource(
              SampleAgent.deployment(agentName, sandbox.livekitUrl(), replicas, !noAutoscale, sdk))
          .createOr(existing -> existing.update());
      printWhereThingsAre(out, sandbox, agentFile, started);
      MediaCallers mediaCallers = null;
      if (media > 0) {
        mediaCallers =
            new MediaCallers(
                media,
                WorkerImage.command(config.workerJar()),
                sandbox.livekitUrl(),
                SandboxConfig.API_KEY,
                SandboxConfig.API_SECRET,
                workdir.resolve("logs").resolve("callers"),
                sandbox.ledger(),
                sandbox.rooms());
      }
      List<SocketRelay> relays = NamespacedRun.relaysInside(sandbox);
      if (!noCalls) {
        sandbox.callers().play(plan(), mediaCallers);
      }
      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch reported = new CountDownLatch(1);
      // On Ctrl-C the JVM halts when its hooks are done; this one waits for the ledger and the
      // last lines, which could otherwise lose the race against the sandbox's own hook.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.countDown();
                    try {
                      reported.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      try {
        report(out, sandbox, stop, relays);
      } finally {
        reported.countDown();
      }
    }
    return 0;
  }

  /** The summary line a second until stopped, then the ledger and the counts. */
  private void report(
      PrintStream out, Sandbox sandbox, CountDownLatch stop, List<SocketRelay> relays)
      throws IOException, InterruptedException {
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
    if (media > 0) {
      CallLedger.MediaTally tally = sandbox.ledger().mediaTally();
      out.printf(
          "Media calls: %d heard their own tone back, %d did not, %d were still in their call"
              + " (media column of the ledger; callers' logs in %s)%n",
          tally.heard(),
          tally.notHeard(),
          tally.inCall(),
          workdir.resolve("logs").resolve("callers"));
    }
    out.println("Stopping...");
    relays.forEach(SocketRelay::close);
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
              .withLabel(AgentDeploymentLabels.DEPLOYMENT, agentName)
              .list()
              .getItems();
      AgentDeployment deployment =
          sandbox
              .client()
              .resources(AgentDeployment.class)
              .inNamespace("default")
              .withName(agentName)
              .get();
      return SummaryLine.render(
          elapsed,
          sandbox.ledger().counts(),
          media > 0 ? sandbox.ledger().mediaTally() : null,
          pods,
          sandbox.registeredWorkers(agentName).size(),
          deployment == null ? null : deployment.getStatus());
    } catch (RuntimeException e) {
      return String.format(
          "[%4ds] (status not available: %s)", elapsed.toSeconds(), e.getMessage());
    }
  }

  private void printWhereThingsAre(PrintStream out, Sandbox sandbox, Path agentFile, long started) {
    String lk = sandbox.livekitUrl();
    String op = "http://127.0.0.1:" + sandbox.operatorPort();
    Path logs = workdir.resolve("logs");
    out.printf(
        """
        Agentfleet sandbox is up (%ds):
          Kubernetes API  %s  (kube-apiserver, etcd, kube-controller-manager; logs in %s)
                          export KUBECONFIG=%s
                          kubectl get agd; kubectl get pods; kubectl scale agd/%s --replicas=4
          LiveKit         %s  (livekit-server; API key %s, secret %s; log %s)
          operator        metrics %s/q/metrics, health %s/q/health, log %s
          dashboard       %s  (read-only; its history starts empty with the operator)
          workers         pods run as processes on node %s; logs in %s/<namespace>_<pod>.log
                          (not kubectl logs: there is no kubelet server to serve them)
          agent           AgentDeployment %s from %s
          calls           %s; ledger written to %s at the end
        %sCtrl-C stops everything.
        """,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        sandbox.controlPlane().url(),
        sandbox.controlPlane().logs(),
        sandbox.kubeconfig().toAbsolutePath(),
        agentName,
        lk,
        SandboxConfig.API_KEY,
        SandboxConfig.API_SECRET,
        sandbox.livekit().log(),
        op,
        op,
        logs.resolve("operator.log"),
        sandbox.dashboardUrl(),
        Sandbox.NODE,
        logs.resolve("pods"),
        agentName,
        agentFile,
        noCalls
            ? "none (--no-calls)"
            : trace != null
                ? "replayed from " + trace + " at " + timeScale + "x"
                : String.format("%s, about %.0f/min, mean %.0f s", profile, rate, meanCallSeconds),
        workdir.resolve("calls.csv"),
        media > 0 ? mediaLines() : "");
  }

  private String mediaLines() {
    return String.format(
        """
          media           up to %d calls at a time are audio calls: the echo agent and a caller
                          process that speaks a tone and listens (logs in %s);
                          what each heard is in the ledger's media column
          network         all of this runs in a private network namespace (veth %s-%s), so no
                          media leaves the machine. The API and LiveKit ports are relayed to the
                          host's 127.0.0.1: kubectl works from any shell. Anything else (operator
                          metrics, pods' status ports): %s <command>
        """,
        media,
        workdir.resolve("logs").resolve("callers"),
        NetworkNamespace.ADDRESS,
        NetworkNamespace.PEER_ADDRESS,
        NetworkNamespace.enterCommand(ProcessHandle.current().pid()));
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

  /** {@code args} with {@code name}'s value set to {@code value}, wherever it was given. */
  static List<String> withOption(List<String> args, String name, String value) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals(name)) {
        i++;
      } else if (!arg.startsWith(name + "=")) {
        result.add(arg);
      }
    }
    result.add(name);
    result.add(value);
    return result;
  }

  public static void main(String[] args) {
    int code = new CommandLine(new SandboxMain()).execute(args);
    System.exit(code);
  }
}
