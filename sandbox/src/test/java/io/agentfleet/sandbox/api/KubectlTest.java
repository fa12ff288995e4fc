package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.Crds;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A real kubectl against the sandbox API: the verbs the README promises, in one story. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

  @TempDir static Path dir;
  static SandboxApi api;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    api =
        SandboxApi.start(
            0,
            List.of(Crds.read(Path.of(System.getProperty("sandbox.crd")))),
            (namespace, pod) -> java.util.Optional.of(dir.resolve(pod + ".log")));
    kubectl = new Kubectl(Kubectl.defaultBinary(), api.writeKubeconfig(dir.resolve("kubeconfig")));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @Order(1)
  void discoveryNamesTheAgentDeploymentWithItsShortNames() throws Exception {
    var result = kubectl.run("api-resources", "--api-group=agentfleet.io");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out())
        .contains("agentdeployments")
        .contains("agd")
        .contains("AgentDeployment");
  }

  @Test
  @Order(2)
  void applyCreatesThenConfigures() throws Exception {
    var created = kubectl.runWithInput(AGENT.formatted(2), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.all()).isZero();
    assertThat(created.out()).contains("agentdeployment.agentfleet.io/voice-agent created");

    var configured = kubectl.runWithInput(AGENT.formatted(3), "apply", "-f", "-");
    assertThat(configured.exitCode()).as(configured.all()).isZero();
    assertThat(configured.out()).contains("configured");
    assertThat(replicas()).isEqualTo("3");
  }

  @Test
  @Order(3)
  void getListsItUnderTheShortName() throws Exception {
    var result = kubectl.run("get", "agd");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("voice-agent");
  }

  @Test
  @Order(4)
  void aBadManifestIsRefusedWithTheFieldNamed() throws Exception {
    String bad = AGENT.formatted(-1).replace("image: agentfleet/worker:dev", "image: \"\"");
    var result = kubectl.runWithInput(bad, "apply", "-f", "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("is invalid").contains("spec.replicas");
    assertThat(replicas()).isEqualTo("3");
  }

  @Test
  @Order(5)
  void scaleWritesThroughTheScaleSubresource() throws Exception {
    var result = kubectl.run("scale", "agd/voice-agent", "--replicas=5");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("scaled");
    assertThat(replicas()).isEqualTo("5");

    var negative = kubectl.run("scale", "agd/voice-agent", "--replicas=-2");
    assertThat(negative.exitCode()).isNotZero();
  }

  @Test
  @Order(6)
  void describeShowsTheObject() throws Exception {
    var result = kubectl.run("describe", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("voice-agent").contains("Replicas");
  }

  @Test
  @Order(7)
  void podsCanBeListedAndTheirLogsRead() throws Exception {
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

    var logs = kubectl.run("logs", "worker-1");
    assertThat(logs.exitCode()).as(logs.all()).isZero();
    assertThat(logs.out()).contains("registered with LiveKit");
  }

  @Test
  @Order(8)
  void deleteRemovesIt() throws Exception {
    var result = kubectl.run("delete", "agd", "voice-agent");
    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.out()).contains("deleted");
    var get = kubectl.run("get", "agd", "voice-agent");
    assertThat(get.exitCode()).isNotZero();
    assertThat(get.err()).contains("NotFound");
  }

  private static String replicas() throws Exception {
    var result = kubectl.run("get", "agd", "voice-agent", "-o", "jsonpath={.spec.replicas}");
    assertThat(result.exitCode()).as(result.all()).isZero();
    return result.out().trim();
  }
}
