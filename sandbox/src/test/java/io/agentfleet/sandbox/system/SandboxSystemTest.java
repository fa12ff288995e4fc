package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator, the simulated kubelet, worker processes and the devserver together, one fleet
 * through its life: apply, scale, a rollout under 20 calls, a crash, deletion.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.extension.ExtendWith(SandboxSystemTest.DumpOnFailure.class)
class SandboxSystemTest {

  /** On failure: the deployment's status, the pods and the devserver's workers. */
  static final class DumpOnFailure implements org.junit.jupiter.api.extension.TestWatcher {
    @Override
    public void testFailed(
        org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
      try {
        StringBuilder dump = new StringBuilder("---- sandbox state after failure ----\n");
        AgentDeployment d =
            client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get();
        dump.append(
            d == null
                ? "no AgentDeployment\n"
                : io.fabric8.kubernetes.client.utils.Serialization.asYaml(d.getStatus()));
        for (Pod p : workerPods()) {
          dump.append(
              String.format(
                  "pod %s rev=%s deleting=%s ready=%s status=%s%n",
                  p.getMetadata().getName(),
                  p.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION),
                  p.getMetadata().getDeletionTimestamp(),
                  isReady(p),
                  p.getStatus() == null
                      ? null
                      : io.fabric8.kubernetes.client.utils.Serialization.asJson(
                          p.getStatus().getContainerStatuses())));
        }
        dump.append("registered workers: ").append(sandbox.registeredWorkers(NAME)).append('\n');
        System.err.println(dump);
      } catch (Exception e) {
        System.err.println("could not dump the sandbox state: " + e);
      }
    }
  }

  static final String NAME = "system-agent";
  static final Duration SLOW = Duration.ofSeconds(90);

  static Sandbox sandbox;
  static KubernetesClient client;
  static Watch podWatch;

  /** Pod names seen with a deletionTimestamp while still present: Terminating. */
  static final Set<String> seenTerminating = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("system");
    client = sandbox.client();
    podWatch =
        client
            .pods()
            .inNamespace("default")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (pod.getMetadata().getDeletionTimestamp() != null
                        && action != Action.DELETED) {
                      seenTerminating.add(pod.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (podWatch != null) {
      podWatch.close();
    }
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  @Order(1)
  void appliedDeploymentGetsWorkersThatRegisterWithLiveKit() {
    client
        .resources(AgentDeployment.class)
        .inNamespace("default")
        .resource(SampleAgent.deployment(NAME, sandbox.livekitUrl(), 3))
        .create();

    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> registered().size() == 3 && readyPods().size() == 3);
    // The operator sees them too: its status counts three ready workers.
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                Integer.valueOf(3)
                    .equals(
                        client
                            .resources(AgentDeployment.class)
                            .inNamespace("default")
                            .withName(NAME)
                            .get()
                            .getStatus()
                            .getReadyReplicas()));

    List<Pod> pods = workerPods();
    Set<String> addresses = new HashSet<>();
    for (Pod pod : pods) {
      assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
      addresses.add(
          pod.getMetadata().getAnnotations().get(AgentDeploymentAnnotations.STATUS_ADDRESS));
    }
    assertThat(addresses).hasSize(3).allMatch(a -> a.startsWith("127.0.0.1:"));
  }

  @Test
  @Order(2)
  void scaleSubresourceChangesTheNumberOfWorkers() {
    client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).scale(5);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> registered().size() == 5 && readyPods().size() == 5);

    client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).scale(4);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> registered().size() == 4 && workerPods().size() == 4);
  }

  @Test
  @Order(3)
  void templateChangeWithTwentyCallsInFlightDropsNone() throws IOException {
    Set<String> oldPods = Fleet.names(workerPods());
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(sandbox.callers().place(NAME, Duration.ofSeconds(12 + i % 5)));
    }
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> outcomes(calls).getOrDefault(CallOutcome.IN_CALL, 0L) == 20L);

    // Which worker each old pod is, and when its process ends.
    Map<String, String> workerOfPod = new ConcurrentHashMap<>();
    Map<String, Instant> exitOfPod = new ConcurrentHashMap<>();
    for (Pod pod : workerPods()) {
      String name = pod.getMetadata().getName();
      workerOfPod.put(name, Fleet.workerId(pod));
      long pid = sandbox.kubelet().pod("default", name).orElseThrow().pid().orElseThrow();
      ProcessHandle.of(pid)
          .orElseThrow()
          .onExit()
          .thenRun(() -> exitOfPod.put(name, Instant.now()));
    }

    Fleet.edit(
        client.resources(AgentDeployment.class).inNamespace("default").withName(NAME),
        d -> {
          Fleet.addEnv(d.getSpec().getTemplate(), "RELEASE", "2");
          return d;
        });

    // New revision's workers register; old pods drain through Terminating and exit.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              Set<String> now = Fleet.names(workerPods());
              return now.size() == 4
                  && now.stream().noneMatch(oldPods::contains)
                  && readyPods().size() == 4
                  && registered().size() == 4;
            });
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> outcomes(calls).keySet().stream().allMatch(CallOutcome::ended));

    Map<CallOutcome, Long> outcomes = outcomes(calls);
    assertThat(outcomes).containsEntry(CallOutcome.COMPLETED, 20L);
    assertThat(outcomes.getOrDefault(CallOutcome.DROPPED, 0L)).isZero();
    assertThat(seenTerminating).containsAll(oldPods);
    // Every call was on an old worker, and each old worker's process ended after its calls did.
    List<CallRecord> ended = ledgerOf(calls);
    assertThat(ended).allMatch(c -> workerOfPod.containsValue(c.workerId()));
    await().atMost(SLOW).until(() -> exitOfPod.keySet().containsAll(oldPods));
    workerOfPod.forEach(
        (pod, worker) ->
            ended.stream()
                .filter(c -> c.workerId().equals(worker))
                .map(CallRecord::endedAt)
                .max(Instant::compareTo)
                .ifPresent(
                    lastCallEnd ->
                        assertThat(exitOfPod.get(pod).plusSeconds(1))
                            .as("exit of %s after its last call", pod)
                            .isAfter(lastCallEnd)));
  }

  @Test
  @Order(4)
  void aCrashedWorkerIsRestartedAndCounted() {
    Pod victim = readyPods().get(0);
    String name = victim.getMetadata().getName();
    long pid = sandbox.kubelet().pod("default", name).orElseThrow().pid().orElseThrow();

    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () -> {
              Pod pod = client.pods().inNamespace("default").withName(name).get();
              return pod != null
                  && pod.getStatus().getContainerStatuses().get(0).getRestartCount() == 1
                  && isReady(pod);
            });
    await().ignoreExceptions().atMost(SLOW).until(() -> registered().size() == 4);
  }

  @Test
  @Order(5)
  void deletingTheDeploymentEndsEveryWorkerProcess() {
    Set<Long> pids =
        sandbox.kubelet().pods().stream()
            .flatMap(p -> p.pid().stream())
            .collect(Collectors.toSet());
    assertThat(pids).hasSize(4);

    client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).delete();

    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> workerPods().isEmpty() && registered().isEmpty());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pids.stream()
                    .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }

  /**
   * The operator ran as the ServiceAccount of {@code deploy/rbac.yaml}, with a token, and needed
   * nothing that RBAC does not grant; it still holds its Lease in its own namespace.
   */
  @Test
  @Order(6)
  void theOperatorWorkedWithinTheRbacUsersInstall() throws IOException {
    String operator = "system:serviceaccount:agentfleet-system:agentfleet-operator";
    List<com.fasterxml.jackson.databind.JsonNode> writes = new ArrayList<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : java.nio.file.Files.readAllLines(sandbox.controlPlane().auditLog())) {
      var entry = json.readTree(line);
      if (entry.path("user").path("username").asText().equals(operator)) {
        writes.add(entry);
      }
    }
    assertThat(writes)
        .extracting(
            w -> w.path("verb").asText() + " " + w.path("objectRef").path("resource").asText())
        .contains("create pods", "delete pods", "patch agentdeployments", "create events");
    assertThat(writes)
        .filteredOn(w -> w.path("responseStatus").path("code").asInt() == 403)
        .as("writes of the operator that RBAC refused")
        .isEmpty();

    var lease =
        client.leases().inNamespace("agentfleet-system").withName("agentfleet-operator").get();
    assertThat(lease).as("the operator's Lease").isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    // Renewed every few seconds while it leads.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !client
                    .leases()
                    .inNamespace("agentfleet-system")
                    .withName("agentfleet-operator")
                    .get()
                    .getSpec()
                    .getRenewTime()
                    .equals(lease.getSpec().getRenewTime()));
  }

  private static List<Pod> workerPods() {
    return client
        .pods()
        .inNamespace("default")
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, NAME)
        .list()
        .getItems();
  }

  private static List<Pod> readyPods() {
    return workerPods().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(SandboxSystemTest::isReady)
        .toList();
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static List<LiveKitLog.Worker> registered() {
    return sandbox.registeredWorkers(NAME);
  }

  private static List<CallRecord> ledgerOf(List<CallRecord> placed) {
    Set<String> ids = placed.stream().map(CallRecord::dispatchId).collect(Collectors.toSet());
    return sandbox.ledger().records().stream().filter(r -> ids.contains(r.dispatchId())).toList();
  }

  private static Map<CallOutcome, Long> outcomes(List<CallRecord> placed) {
    Set<String> ids = placed.stream().map(CallRecord::dispatchId).collect(Collectors.toSet());
    return sandbox.ledger().records().stream()
        .filter(r -> ids.contains(r.dispatchId()))
        .collect(Collectors.groupingBy(CallRecord::outcome, Collectors.counting()));
  }
}
