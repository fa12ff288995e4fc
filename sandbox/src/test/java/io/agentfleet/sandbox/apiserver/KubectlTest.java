package io.agentfleet.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.KubeletConfig;
import io.agentfleet.sandbox.kubelet.RestartBackoff;
import io.agentfleet.sandbox.kubelet.SimulatedKubelet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real kubectl against the sandbox's kind of cluster (the real API server with the CRD, the
 * controller manager and the simulated kubelet): the verbs the README promises, in one story.
 */
@ExtendWith(TestControlPlane.class)
class KubectlTest {

  static final String AGENT =
      """
      apiVersion: agentfleet.io/v1alpha1
      kind: AgentDeployment
      metadata:
        name: voice-agent
      spec:
        agentName: voice-agent
        livekit: {url: "ws://127.0.0.1:7880", credentialsSecret: livekit}
        replicas: %d
        template:
          spec:
            containers:
              - name: agent
                image: agentfleet/worker:dev
      """;

  /**
   * The kubectl builds to run the story with: {@code kubectl} on PATH, the oldest versioned sibling
   * the cloud SDK ships, Debian's 1.20 where unpacked under /opt/kubectl-1.20, and any in {@code
   * SANDBOX_KUBECTLS} (colon-separated paths).
   */
  static List<String> kubectls() {
    List<String> found = new ArrayList<>(List.of(Kubectl.defaultBinary()));
    for (String candidate :
        List.of(
            "/usr/lib/google-cloud-sdk/bin/kubectl.1.27", "/opt/kubectl-1.20/usr/bin/kubectl")) {
      if (Files.isExecutable(Path.of(candidate))) {
        found.add(candidate);
      }
    }
    String extra = System.getenv("SANDBOX_KUBECTLS");
    if (extra != null && !extra.isBlank()) {
      found.addAll(List.of(extra.split(":")));
    }
    return found;
  }

  static ControlPlane plane;

  @TempDir Path dir;
  NamespacedKubernetesClient client;
  SimulatedKubelet kubelet;
  Kubectl kubectl;

  @BeforeAll
  static void controlPlane(ControlPlane shared) {
    plane = shared;
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void theVerbsOfTheReadmeWorkAgainstTheSandboxsCluster(String binary) throws Exception {
    Assumptions.assumeTrue(
        runs(binary), binary + " cannot be run here: the kubectl test needs a kubectl");
    client = TestControlPlane.namespace(plane, "kubectl");
    // The worker image as a shell that holds until SIGTERM: pods are processes, not workers here.
    kubelet =
        new SimulatedKubelet(
                plane.admin(),
                new KubeletConfig(
                    "sandbox",
                    dir.resolve("pods"),
                    List.of(
                        new ImageRule(
                            "agentfleet/worker",
                            List.of(
                                "sh",
                                "-c",
                                "echo registered; trap 'exit 0' TERM; while true; do sleep 0.1;"
                                    + " done"),
                            List.of(),
                            Map.of())),
                    new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5)),
                    Duration.ofSeconds(2)))
            .start();
    try {
      // kubectl keeps its cache next to the kubeconfig (its HOME): a copy in this test's folder.
      Path kubeconfig =
          Files.copy(
              plane.adminKubeconfig(),
              dir.resolve("kubeconfig"),
              java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      kubectl = new Kubectl(binary, kubeconfig, client.getNamespace());
      discoveryNamesTheAgentDeploymentWithItsShortName();
      applyCreatesThenConfigures();
      getListsItUnderTheShortName();
      aBadManifestIsRefusedWithTheFieldNamed();
      scaleWritesThroughTheScaleSubresource();
      describeShowsTheObject();
      podsRunOnTheSandboxNodeButHaveNoLogsThroughTheApi();
      deleteRemovesItAndItsPodsAreGarbageCollected();
      podsCanBeAppliedAndDeleted();
    } finally {
      client.pods().withGracePeriod(0).delete();
      kubelet.close();
    }
  }

  private void discoveryNamesTheAgentDeploymentWithItsShortName() throws Exception {
    // As `kubectl api-resources | grep agd`.
    var result = kubectl.run("api-resources");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out().lines().filter(l -> l.contains("agd")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("agentdeployments")
                    .contains("agentfleet.io/v1alpha1")
                    .contains("AgentDeployment"));
  }

  private void applyCreatesThenConfigures() throws Exception {
    var created = kubectl.runWithInput(AGENT.formatted(2), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.all()).isZero();
    assertThat(created.out()).contains("agentdeployment.agentfleet.io/voice-agent created");

    var configured = kubectl.runWithInput(AGENT.formatted(3), "apply", "-f", "-");
    assertThat(configured.exitCode()).as(configured.all()).isZero();
    assertThat(configured.out()).contains("configured");
    assertThat(replicas()).isEqualTo("3");
  }

  private void getListsItUnderTheShortName() throws Exception {
    var result = kubectl.run("get", "agd");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("voice-agent");
    // The CRD's printer columns, printed by the server.
    assertThat(result.out().lines().findFirst().orElseThrow())
        .contains("DESIRED", "READY", "CALLS", "LOAD", "REVISION", "AGE");
  }

  private void aBadManifestIsRefusedWithTheFieldNamed() throws Exception {
    var result = kubectl.runWithInput(AGENT.formatted(-1), "apply", "-f", "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("is invalid").contains("spec.replicas");
    assertThat(replicas()).isEqualTo("3");
  }

  private void scaleWritesThroughTheScaleSubresource() throws Exception {
    var result = kubectl.run("scale", "agd/voice-agent", "--replicas=5");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("scaled");
    assertThat(replicas()).isEqualTo("5");

    var negative = kubectl.run("scale", "agd/voice-agent", "--replicas=-2");
    assertThat(negative.exitCode()).isNotZero();
    assertThat(replicas()).isEqualTo("5");
  }

  private void describeShowsTheObject() throws Exception {
    var result = kubectl.run("describe", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("voice-agent").containsPattern("Replicas:\\s+5\\n");
  }

  /**
   * A pod owned by the AgentDeployment, as the operator makes them: bound to the sandbox node and
   * running; {@code kubectl logs} has no kubelet server to ask, so it fails (the README points to
   * the log files instead).
   */
  private void podsRunOnTheSandboxNodeButHaveNoLogsThroughTheApi() throws Exception {
    var owner =
        client
            .genericKubernetesResources("agentfleet.io/v1alpha1", "AgentDeployment")
            .withName("voice-agent")
            .get();
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("worker-1")
                .addNewOwnerReference()
                .withApiVersion("agentfleet.io/v1alpha1")
                .withKind("AgentDeployment")
                .withName("voice-agent")
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(5L)
                .addNewContainer()
                .withName("agent")
                .withImage("agentfleet/worker:dev")
                .endContainer()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(client.pods().withName("worker-1").get()));

    var get = kubectl.run("get", "pods", "-o", "wide");
    assertThat(get.exitCode()).as(get.all()).isZero();
    assertThat(get.out().lines().findFirst().orElseThrow())
        .contains("READY", "STATUS", "RESTARTS", "IP", "NODE");
    assertThat(get.out().lines().filter(l -> l.startsWith("worker-1")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("1/1", "Running", "127.0.0.1", "sandbox"));

    var nodes = kubectl.run("get", "nodes");
    assertThat(nodes.exitCode()).as(nodes.all()).isZero();
    assertThat(nodes.out().lines().filter(l -> l.startsWith("sandbox")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("Ready"));

    var logs = kubectl.run("logs", "worker-1");
    assertThat(logs.exitCode()).as(logs.all()).isNotZero();
    assertThat(Files.readString(kubelet.logFile(client.getNamespace(), "worker-1")))
        .contains("registered");
  }

  private void deleteRemovesItAndItsPodsAreGarbageCollected() throws Exception {
    long pid = kubelet.pod(client.getNamespace(), "worker-1").orElseThrow().pid().orElseThrow();

    var result = kubectl.run("delete", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("deleted");
    var get = kubectl.run("get", "agd", "voice-agent");
    assertThat(get.exitCode()).isNotZero();
    assertThat(get.err()).contains("NotFound");

    // kube-controller-manager's garbage collector deletes the pod, the kubelet stops it.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().withName("worker-1").get() == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  private void podsCanBeAppliedAndDeleted() throws Exception {
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: applied, labels: {tier: %s}}
        spec:
          terminationGracePeriodSeconds: 5
          containers: [{name: main, image: agentfleet/worker:dev}]
        """;
    var created = kubectl.runWithInput(pod.formatted("one"), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.all()).isZero();
    var configured = kubectl.runWithInput(pod.formatted("two"), "apply", "-f", "-");
    assertThat(configured.exitCode()).as(configured.all()).isZero();
    var label = kubectl.run("get", "pod", "applied", "-o", "jsonpath={.metadata.labels.tier}");
    assertThat(label.out().trim()).isEqualTo("two");
    // kubectl waits until the pod is gone: until the kubelet has stopped it and deleted it.
    var deleted = kubectl.run("delete", "pod", "applied");
    assertThat(deleted.exitCode()).as(deleted.all()).isZero();
    assertThat(kubectl.run("get", "pod", "applied").exitCode()).isNotZero();
  }

  private static boolean ready(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static boolean runs(String binary) {
    try {
      return new ProcessBuilder(binary, "version", "--client").start().waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String replicas() throws Exception {
    var result = kubectl.run("get", "agd", "voice-agent", "-o", "jsonpath={.spec.replicas}");
    assertThat(result.exitCode()).as(result.all()).isZero();
    return result.out().trim();
  }
}
