package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.Crds;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A real kubectl against the sandbox API: the verbs the README promises, in one story. */
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

  @TempDir Path dir;
  SandboxApi api;
  Kubectl kubectl;

  @ParameterizedTest
  @MethodSource("kubectls")
  void theVerbsOfTheReadmeWorkAgainstTheSandboxApi(String binary) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        runs(binary), binary + " cannot be run here: the kubectl test needs a kubectl");
    api =
        SandboxApi.start(
            0,
            List.of(Crds.read(Path.of(System.getProperty("sandbox.crd")))),
            (namespace, pod) -> java.util.Optional.of(dir.resolve(pod + ".log")));
    try {
      kubectl = new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")));
      discoveryNamesTheAgentDeploymentWithItsShortNames();
      applyCreatesThenConfigures();
      getListsItUnderTheShortName();
      aBadManifestIsRefusedWithTheFieldNamed();
      scaleWritesThroughTheScaleSubresource();
      describeShowsTheObject();
      podsCanBeListedAndTheirLogsRead();
      deleteRemovesIt();
      podsCanBeAppliedAndDeleted();
    } finally {
      api.close();
    }
  }

  private void discoveryNamesTheAgentDeploymentWithItsShortNames() throws Exception {
    var result = kubectl.run("api-resources", "--api-group=agentfleet.io");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .contains("agentdeployments")
        .contains("agd")
        .contains("AgentDeployment");
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
    String bad = AGENT.formatted(-1).replace("image: agentfleet/worker:dev", "image: \"\"");
    var result = kubectl.runWithInput(bad, "apply", "-f", "-");
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
  }

  private void describeShowsTheObject() throws Exception {
    var result = kubectl.run("describe", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("voice-agent").contains("Replicas");
  }

  private void podsCanBeListedAndTheirLogsRead() throws Exception {
    api.client()
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("worker-1")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("agent")
                .withImage("agentfleet/worker:dev")
                .endContainer()
                .endSpec()
                .build())
        .create();
    Files.writeString(dir.resolve("worker-1.log"), "registered with LiveKit\n");

    var get = kubectl.run("get", "pods");
    assertThat(get.exitCode()).as(get.all()).isZero();
    assertThat(get.out()).contains("worker-1");
    assertThat(get.out().lines().findFirst().orElseThrow()).contains("READY", "STATUS", "RESTARTS");

    var logs = kubectl.run("logs", "worker-1");
    assertThat(logs.exitCode()).as(logs.all()).isZero();
    assertThat(logs.out()).contains("registered with LiveKit");
  }

  private void deleteRemovesIt() throws Exception {
    var result = kubectl.run("delete", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("deleted");
    var get = kubectl.run("get", "agd", "voice-agent");
    assertThat(get.exitCode()).isNotZero();
    assertThat(get.err()).contains("NotFound");
  }

  private void podsCanBeAppliedAndDeleted() throws Exception {
    String pod =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: applied, labels: {tier: %s}}
        spec:
          containers: [{name: main, image: agentfleet/worker:dev}]
        """;
    var created = kubectl.runWithInput(pod.formatted("one"), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.all()).isZero();
    var configured = kubectl.runWithInput(pod.formatted("two"), "apply", "-f", "-");
    assertThat(configured.exitCode()).as(configured.all()).isZero();
    var label = kubectl.run("get", "pod", "applied", "-o", "jsonpath={.metadata.labels.tier}");
    assertThat(label.out().trim()).isEqualTo("two");
    var deleted = kubectl.run("delete", "pod", "applied");
    assertThat(deleted.exitCode()).as(deleted.all()).isZero();
    assertThat(kubectl.run("get", "pod", "applied").exitCode()).isNotZero();
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
