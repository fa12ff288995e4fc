package io.agentfleet.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's life on the simulated node: claim it (finalizer, node, status address), run its first
 * container as a process, probe it, restart it with back-off, and on deletion send SIGTERM, wait up
 * to the grace period, kill, and release the finalizer. All state changes happen under this
 * object's lock; API writes are small patches, so the operator's writes never conflict with them.
 */
final class PodRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PodRunner.class);

  /** What a runner needs from its kubelet. */
  record Node(
      KubernetesClient client,
      ScheduledExecutorService executor,
      KubeletConfig config,
      Probes probes,
      EnvResolver.Lookup lookup,
      Clock clock,
      java.util.function.LongConsumer onProcessStarted,
      Runnable onFinished) {}

  private final Node node;
  private final String namespace;
  private final String name;
  private final int port;
  private final Path logFile;

  private Pod pod;
  private Process process;
  private Instant startTime;
  private Instant containerStartedAt;
  private ContainerView.State state = new ContainerView.Waiting("ContainerCreating", null);
  private ContainerView.State lastState;
  private int restarts;
  private boolean ready;
  private boolean terminating;
  private boolean finished;
  private String phase = "Pending";
  private int livenessFailures;
  private int readinessFailures;
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();

  PodRunner(Node node, Pod pod, int port) {
    this.node = node;
    this.pod = pod;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.port = port;
    this.logFile = node.config().logDir().resolve(namespace + "_" + name + ".log");
  }

  String namespace() {
    return namespace;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  Path logFile() {
    return logFile;
  }

  synchronized Optional<ProcessHandle> process() {
    return Optional.ofNullable(process).map(Process::toHandle);
  }

  synchronized boolean finished() {
    return finished;
  }

  /** Binds the pod here and starts its container. */
  synchronized void start() {
    try {
      node.client()
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .edit(
              p -> {
                List<String> finalizers = new ArrayList<>();
                if (p.getMetadata().getFinalizers() != null) {
                  finalizers.addAll(p.getMetadata().getFinalizers());
                }
                if (!finalizers.contains(SimulatedKubelet.FINALIZER)) {
                  finalizers.add(SimulatedKubelet.FINALIZER);
                }
                p.getMetadata().setFinalizers(finalizers);
                Map<String, String> annotations = new LinkedHashMap<>();
                if (p.getMetadata().getAnnotations() != null) {
                  annotations.putAll(p.getMetadata().getAnnotations());
                }
                annotations.put(SimulatedKubelet.STATUS_ADDRESS, PodStatuses.IP + ":" + port);
                p.getMetadata().setAnnotations(annotations);
                p.getSpec().setNodeName(node.config().nodeName());
                return p;
              });
    } catch (KubernetesClientException e) {
      LOG.info("pod {}/{} went away before it could be bound: {}", namespace, name, e.getMessage());
      finish();
      return;
    }
    startTime = node.clock().instant();
    writeStatus();
    launch();
  }

  /** A newer version of the pod from the API. */
  synchronized void update(Pod latest) {
    this.pod = latest;
    if (latest.getMetadata().getDeletionTimestamp() != null) {
      terminate();
    }
  }

  /** The pod is gone from the API without our finalizer's release (e.g. forced): stop now. */
  synchronized void vanished() {
    terminating = true;
    cancelTimers();
    if (process != null && process.isAlive()) {
      kill(process);
    }
    finished = true;
    node.onFinished().run();
  }

  private void launch() {
    if (terminating) {
      return;
    }
    Container container = pod.getSpec().getContainers().get(0);
    Map<String, String> podEnv;
    try {
      podEnv = EnvResolver.resolve(pod, container, PodStatuses.IP, node.lookup());
    } catch (EnvResolver.ConfigError e) {
      state = new ContainerView.Waiting("CreateContainerConfigError", e.getMessage());
      writeStatus();
      retryLater(Duration.ofSeconds(2));
      return;
    }
    Optional<ImageRule> rule =
        node.config().images().stream().filter(r -> r.matches(container.getImage())).findFirst();
    if (rule.isEmpty()) {
      state =
          new ContainerView.Waiting(
              "ErrImagePull",
              "the sandbox has no runnable for image " + container.getImage() + " (see --image)");
      writeStatus();
      return;
    }
    ImageRule.Launch launch =
        rule.get()
            .launch(container.getArgs(), podEnv, new ImageRule.Placeholders(port, name, namespace));
    ProcessBuilder builder = new ProcessBuilder(launch.command());
    Map<String, String> env = builder.environment();
    Map<String, String> inherited = new LinkedHashMap<>();
    for (String keep : List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TZ", "TMPDIR")) {
      Optional.ofNullable(System.getenv(keep)).ifPresent(v -> inherited.put(keep, v));
    }
    env.clear();
    env.putAll(inherited);
    env.put("HOSTNAME", name);
    env.putAll(podEnv);
    env.putAll(launch.env());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.directory(new File(System.getProperty("user.dir")));
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(
          logFile,
          "--- sandbox kubelet: starting "
              + container.getName()
              + " (restart "
              + restarts
              + "): "
              + String.join(" ", launch.command())
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process started = builder.start();
      process = started;
      node.onProcessStarted().accept(started.pid());
      containerStartedAt = node.clock().instant();
      state = new ContainerView.Running(containerStartedAt);
      phase = "Running";
      ready = false;
      livenessFailures = 0;
      readinessFailures = 0;
      LOG.info("pod {}/{} started as pid {} on port {}", namespace, name, started.pid(), port);
      started.onExit().thenRunAsync(() -> exited(started), node.executor());
      scheduleProbes(container);
    } catch (IOException e) {
      state = new ContainerView.Waiting("RunContainerError", e.getMessage());
      retryLater(Duration.ofSeconds(5));
    }
    writeStatus();
  }

  private void scheduleProbes(Container container) {
    Probe readiness = container.getReadinessProbe();
    Probe liveness = container.getLivenessProbe();
    if (readiness == null) {
      ready = true;
    } else {
      // Check soon after start as well as every period, so readiness follows registration fast.
      schedule(
          readiness,
          Duration.ofMillis(Math.max(500, Probes.initialDelay(readiness).toMillis())),
          () -> probeReadiness(readiness));
    }
    if (liveness != null) {
      schedule(
          liveness,
          Probes.initialDelay(liveness).plus(Probes.period(liveness)),
          () -> probeLiveness(liveness));
    }
  }

  private void schedule(Probe probe, Duration first, Runnable check) {
    timers.add(
        node.executor()
            .scheduleWithFixedDelay(
                check, first.toMillis(), Probes.period(probe).toMillis(), TimeUnit.MILLISECONDS));
  }

  private void probeReadiness(Probe probe) {
    boolean passed = node.probes().passes(probe, port);
    synchronized (this) {
      if (terminating || process == null) {
        return;
      }
      readinessFailures = passed ? 0 : readinessFailures + 1;
      boolean nowReady = passed || (ready && readinessFailures < Probes.failureThreshold(probe));
      if (nowReady != ready) {
        ready = nowReady;
        writeStatus();
      }
    }
  }

  private void probeLiveness(Probe probe) {
    boolean passed = node.probes().passes(probe, port);
    synchronized (this) {
      if (terminating || process == null) {
        return;
      }
      livenessFailures = passed ? 0 : livenessFailures + 1;
      if (livenessFailures >= Probes.failureThreshold(probe)) {
        LOG.info("pod {}/{} failed its liveness probe: restarting", namespace, name);
        livenessFailures = 0;
        Process doomed = process;
        doomed.destroy();
        node.executor()
            .schedule(() -> kill(doomed), gracePeriod().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private synchronized void exited(Process ended) {
    if (ended != process) {
      return;
    }
    cancelTimers();
    process = null;
    ready = false;
    Instant now = node.clock().instant();
    int code = ended.exitValue();
    ContainerView.Terminated terminated =
        new ContainerView.Terminated(
            code, code == 0 ? "Completed" : "Error", containerStartedAt, now);
    LOG.info("pod {}/{} exited with {}", namespace, name, code);
    if (terminating) {
      state = terminated;
      finish();
      return;
    }
    lastState = terminated;
    String policy =
        pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    boolean restart = policy.equals("Always") || (policy.equals("OnFailure") && code != 0);
    if (!restart) {
      state = terminated;
      phase = code == 0 ? "Succeeded" : "Failed";
      writeStatus();
      return;
    }
    Duration wait = node.config().backoff().before(restarts + 1);
    state =
        new ContainerView.Waiting(
            "CrashLoopBackOff", "back-off " + wait.toSeconds() + "s restarting failed container");
    writeStatus();
    timers.add(
        node.executor()
            .schedule(
                () -> {
                  synchronized (this) {
                    restarts++;
                    launch();
                  }
                },
                wait.toMillis(),
                TimeUnit.MILLISECONDS));
  }

  /** SIGTERM now, SIGKILL when the grace period runs out; the finalizer goes after the exit. */
  private void terminate() {
    if (terminating) {
      return;
    }
    terminating = true;
    cancelTimers();
    ready = false;
    if (process == null || !process.isAlive()) {
      finish();
      return;
    }
    Duration grace = gracePeriod();
    LOG.info("pod {}/{} terminating: SIGTERM, grace {}s", namespace, name, grace.toSeconds());
    writeStatus();
    Process running = process;
    running.destroy();
    node.executor().schedule(() -> kill(running), grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Duration gracePeriod() {
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (seconds == null) {
      seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return Duration.ofSeconds(seconds == null ? 30 : seconds);
  }

  private static void kill(Process process) {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** Shuts the process down for a kubelet shutdown, without touching the API. */
  synchronized Optional<Process> stopForShutdown() {
    terminating = true;
    cancelTimers();
    if (process != null && process.isAlive()) {
      process.destroy();
      return Optional.of(process);
    }
    return Optional.empty();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    phase =
        state instanceof ContainerView.Terminated t && t.exitCode() == 0 ? "Succeeded" : "Failed";
    writeStatus();
    try {
      node.client()
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .edit(
              p -> {
                if (p.getMetadata().getFinalizers() != null) {
                  List<String> rest = new ArrayList<>(p.getMetadata().getFinalizers());
                  rest.remove(SimulatedKubelet.FINALIZER);
                  p.getMetadata().setFinalizers(rest);
                }
                return p;
              });
    } catch (KubernetesClientException e) {
      LOG.debug("pod {}/{} already gone: {}", namespace, name, e.getMessage());
    }
    node.onFinished().run();
  }

  private void retryLater(Duration wait) {
    timers.add(
        node.executor()
            .schedule(
                () -> {
                  synchronized (this) {
                    launch();
                  }
                },
                wait.toMillis(),
                TimeUnit.MILLISECONDS));
  }

  private void cancelTimers() {
    timers.forEach(t -> t.cancel(false));
    timers.clear();
  }

  private void writeStatus() {
    Container container = pod.getSpec().getContainers().get(0);
    ContainerView view =
        new ContainerView(
            container.getName(), container.getImage(), state, lastState, ready, restarts);
    try {
      node.client()
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              p -> {
                PodStatus status =
                    PodStatuses.render(
                        phase, startTime, view, p.getStatus(), node.clock().instant());
                p.setStatus(status);
                return p;
              });
    } catch (KubernetesClientException e) {
      LOG.debug("status of pod {}/{} not written: {}", namespace, name, e.getMessage());
    }
  }
}
