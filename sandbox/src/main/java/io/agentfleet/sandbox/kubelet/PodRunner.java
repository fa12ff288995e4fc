package io.agentfleet.sandbox.kubelet;

import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
 * One pod's life on the simulated node: bind it here through the Binding subresource (with its
 * status address), run its first container as a process, probe it, restart it with back-off, and
 * when the API server marks it deleted send SIGTERM, wait up to the deletion's grace period, kill,
 * write the final status and delete it for good. All state changes happen under this object's lock;
 * API writes go to the binding and status subresources or are small patches, so the operator's
 * writes do not conflict with them; a status write that fails all the same is made again.
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
  private ScheduledFuture<?> statusRetry;

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
    if (!claim()) {
      node.onFinished().run();
      finished = true;
      return;
    }
    startTime = node.clock().instant();
    writeStatus();
    launch();
  }

  /**
   * Binds an unbound pod to this node, as the scheduler would, with the status address as the
   * binding's annotation (the API server copies it onto the pod in the same write); a pod already
   * bound here only gets the annotation. False if the pod is gone or another node has it.
   */
  private boolean claim() {
    String address = PodStatuses.IP + ":" + port;
    String nodeName = node.config().nodeName();
    try {
      String boundTo = pod.getSpec().getNodeName();
      if (boundTo == null || boundTo.isEmpty()) {
        Binding binding =
            new BindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withUid(pod.getMetadata().getUid())
                .withAnnotations(Map.of(AgentDeploymentAnnotations.STATUS_ADDRESS, address))
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(nodeName)
                .endTarget()
                .build();
        node.client().raw(podPath() + "/binding", "POST", binding);
      } else {
        node.client()
            .pods()
            .inNamespace(namespace)
            .withName(name)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                node.client()
                    .getKubernetesSerialization()
                    .asJson(
                        Map.of(
                            "metadata",
                            Map.of(
                                "annotations",
                                Map.of(AgentDeploymentAnnotations.STATUS_ADDRESS, address)))));
      }
      Pod bound = node.client().pods().inNamespace(namespace).withName(name).get();
      if (bound == null
          || !bound.getMetadata().getUid().equals(pod.getMetadata().getUid())
          || !nodeName.equals(bound.getSpec().getNodeName())) {
        LOG.info("pod {}/{} is not this node's after all", namespace, name);
        return false;
      }
      pod = bound;
      return true;
    } catch (KubernetesClientException e) {
      // 409: another kubelet bound it first, or the name is a new pod's; 404: deleted meanwhile.
      LOG.info("pod {}/{} not bound here: {}", namespace, name, e.getMessage());
      return false;
    }
  }

  private String podPath() {
    return podPath(namespace, name);
  }

  private static String podPath(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/pods/" + name;
  }

  /** A newer version of the pod from the API. */
  synchronized void update(Pod latest) {
    this.pod = latest;
    if (latest.getMetadata().getDeletionTimestamp() != null) {
      terminate();
    }
  }

  /** The pod is gone from the API before the process ended (a forced deletion): stop now. */
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

  /** SIGTERM now, SIGKILL when the grace period runs out; the pod is deleted after the exit. */
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

  /**
   * The container has ended for good: the final status, and if the pod is being deleted the
   * deletion's last step, which only the kubelet takes.
   */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    phase =
        state instanceof ContainerView.Terminated t && t.exitCode() == 0 ? "Succeeded" : "Failed";
    writeStatus();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deleteForGood(node.client(), pod);
    }
    node.onFinished().run();
  }

  /**
   * A pod marked deleted that no process of this kubelet runs (it never started here, or an earlier
   * kubelet ran it): a terminal phase if it had none, then the deletion's last step.
   */
  static void finishOrphan(KubernetesClient client, Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                client
                    .getKubernetesSerialization()
                    .asJson(Map.of("status", Map.of("phase", "Failed", "reason", "Terminated"))));
      } catch (KubernetesClientException e) {
        LOG.debug(
            "status of pod {}/{} not written: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            e.getMessage());
      }
    }
    deleteForGood(client, pod);
  }

  /**
   * Deletes the pod at once: grace period 0, and only this pod (its UID), never a new pod that took
   * its name meanwhile.
   */
  private static void deleteForGood(KubernetesClient client, Pod pod) {
    DeleteOptions options =
        new DeleteOptionsBuilder()
            .withGracePeriodSeconds(0L)
            .withNewPreconditions()
            .withUid(pod.getMetadata().getUid())
            .endPreconditions()
            .build();
    try {
      client.raw(
          podPath(pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
          "DELETE",
          options);
    } catch (KubernetesClientException e) {
      // 404: gone already; 409: the name is a new pod's now.
      LOG.debug(
          "pod {}/{} not deleted: {}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          e.getMessage());
    }
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
      statusRetry = null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || finished) {
        LOG.debug("status of pod {}/{} not written: {}", namespace, name, e.getMessage());
        return;
      }
      // The status is written only when something changes: a write lost here (a timeout on a
      // busy API server, an edit racing another) would leave the pod, e.g., not ready for good.
      LOG.info(
          "status of pod {}/{} not written ({}); again in 1 s", namespace, name, e.getMessage());
      if (statusRetry == null) {
        statusRetry = node.executor().schedule(this::writeStatusAgain, 1, TimeUnit.SECONDS);
      }
    }
  }

  private synchronized void writeStatusAgain() {
    statusRetry = null;
    writeStatus();
  }
}
