package io.agentfleet.sandbox.system;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** One AgentDeployment in a test sandbox: its pods, workers, calls, Events, and the CLI. */
final class Fleet {

  final Sandbox sandbox;
  final String name;

  /** Worker id of every pod seen, and when each pod's process exited. */
  final Map<String, String> workerOfPod = new ConcurrentHashMap<>();

  final Map<String, Instant> exitOfPod = new ConcurrentHashMap<>();

  Fleet(Sandbox sandbox, String name) {
    this.sandbox = sandbox;
    this.name = name;
  }

  /**
   * An edit as kubectl edit makes it: read, change, write, and again on a 409 when the operator
   * wrote the status in between.
   */
  void edit(UnaryOperator<AgentDeployment> change) {
    edit(resource(), change);
  }

  /** {@link #edit(UnaryOperator)} of any resource (a Deployment, too). */
  static <T extends HasMetadata> void edit(Resource<T> resource, UnaryOperator<T> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        resource.edit(change);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /** Adds an env var to the template's first container (a template change that rolls out). */
  static void addEnv(PodTemplateSpec template, String name, String value) {
    template
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVarBuilder().withName(name).withValue(value).build());
  }

  Resource<AgentDeployment> resource() {
    return sandbox.client().resources(AgentDeployment.class).inNamespace("default").withName(name);
  }

  AgentDeployment get() {
    return resource().get();
  }

  List<Pod> pods() {
    return sandbox
        .client()
        .pods()
        .inNamespace("default")
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems();
  }

  /** Pods not being deleted. */
  List<Pod> live() {
    return pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  List<Pod> ready() {
    return live().stream().filter(Fleet::isReady).toList();
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  static String revision(Pod pod) {
    return pod.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION);
  }

  static Set<String> names(Collection<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  /** The workers of this fleet that the LiveKit server has registered now. */
  List<LiveKitLog.Worker> registered() {
    return sandbox.registeredWorkers(name);
  }

  /**
   * Remembers the worker id of every running pod not seen before and when its process exits, so
   * calls can be matched to pods and pod exits to the calls' ends.
   */
  void track() {
    for (Pod pod : pods()) {
      String pod_ = pod.getMetadata().getName();
      if (workerOfPod.containsKey(pod_) || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var running = sandbox.kubelet().pod("default", pod_);
      if (running.isEmpty() || running.get().pid().isEmpty()) {
        continue;
      }
      try {
        workerOfPod.put(pod_, workerId(pod));
      } catch (RuntimeException e) {
        continue;
      }
      ProcessHandle.of(running.get().pid().get())
          .ifPresentOrElse(
              p -> p.onExit().thenRun(() -> exitOfPod.put(pod_, Instant.now())),
              () -> exitOfPod.put(pod_, Instant.now()));
    }
  }

  /** The worker id a pod's status server reports, through the kubelet's status address. */
  static String workerId(Pod pod) {
    String address =
        pod.getMetadata().getAnnotations().get(AgentDeploymentAnnotations.STATUS_ADDRESS);
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://" + address + "/worker"))
                      .timeout(java.time.Duration.ofSeconds(3))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      String id =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(response.body())
              .path("worker_id")
              .asText();
      if (id.isEmpty()) {
        throw new IllegalStateException("no worker id yet");
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The ledger's records of these calls, as they stand now. */
  List<CallRecord> ledgerOf(Collection<CallRecord> placed) {
    Set<String> ids = placed.stream().map(CallRecord::dispatchId).collect(Collectors.toSet());
    return sandbox.ledger().records().stream().filter(r -> ids.contains(r.dispatchId())).toList();
  }

  Map<CallOutcome, Long> outcomes(Collection<CallRecord> placed) {
    return ledgerOf(placed).stream()
        .collect(Collectors.groupingBy(CallRecord::outcome, Collectors.counting()));
  }

  /** All calls of this fleet in the ledger. */
  List<CallRecord> allCalls() {
    return sandbox.ledger().records().stream().filter(r -> r.agentName().equals(name)).toList();
  }

  List<Event> events() {
    return sandbox.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** {@code kubectl agents ARGS} against the sandbox; exit code and output (stdout + stderr). */
  CliResult cli(String... args) {
    List<String> command = new ArrayList<>();
    command.add(TestSandboxes.cli().toString());
    command.addAll(List.of(args));
    try {
      Path out = java.nio.file.Files.createTempFile("kubectl-agents", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(out.toFile());
      builder.environment().put("KUBECONFIG", sandbox.kubeconfig().toAbsolutePath().toString());
      String javaHome =
          ProcessHandle.current()
              .info()
              .command()
              .map(c -> Path.of(c).getParent().getParent().toString())
              .orElse(null);
      if (javaHome != null) {
        builder.environment().put("JAVA_HOME", javaHome);
      }
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("kubectl agents " + args[0] + " did not finish");
      }
      String output = java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
      java.nio.file.Files.deleteIfExists(out);
      System.out.printf(
          "$ kubectl agents %s%n%s# exit code %d%n",
          String.join(" ", args), output, process.exitValue());
      return new CliResult(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  record CliResult(int exitCode, String output) {}

  /** The deployment's status, pods, Events and registered workers, for a failure message. */
  String dump() {
    StringBuilder dump = new StringBuilder("---- sandbox state of " + name + " ----\n");
    try {
      AgentDeployment d = get();
      dump.append(d == null ? "no AgentDeployment\n" : Serialization.asYaml(d.getStatus()));
      for (Pod p : pods()) {
        dump.append(
            String.format(
                "pod %s rev=%s deleting=%s ready=%s status=%s%n",
                p.getMetadata().getName(),
                revision(p),
                p.getMetadata().getDeletionTimestamp(),
                isReady(p),
                p.getStatus() == null
                    ? null
                    : Serialization.asJson(p.getStatus().getContainerStatuses())));
        dump.append(logTail(p.getMetadata().getName()));
      }
      for (Event e : events()) {
        dump.append(String.format("event %s %s %s%n", e.getType(), e.getReason(), e.getMessage()));
      }
      dump.append("registered workers: ").append(registered()).append('\n');
      dump.append("calls: ").append(sandbox.ledger().counts()).append('\n');
    } catch (Exception e) {
      dump.append("could not dump: ").append(e).append('\n');
    }
    return dump.toString();
  }

  /** The end of a pod's log, each line shortened: why a worker is not ready is usually there. */
  private String logTail(String pod) {
    var kubelet = sandbox.kubelet();
    StringBuilder tail = new StringBuilder();
    kubelet
        .pod("default", pod)
        .ifPresent(r -> tail.append("  status port ").append(r.port()).append('\n'));
    try {
      List<String> lines = Files.readAllLines(kubelet.logFile("default", pod));
      for (String line : lines.subList(Math.max(0, lines.size() - 12), lines.size())) {
        tail.append("  | ").append(line, 0, Math.min(line.length(), 400)).append('\n');
      }
    } catch (IOException | UncheckedIOException e) {
      tail.append("  no log: ").append(e.getMessage()).append('\n');
    }
    return tail.toString();
  }
}
