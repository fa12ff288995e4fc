package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.operator.revision.TemplateHash;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodRendererTest {

  static AgentDeployment deployment(PodTemplateSpec template) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    d.getMetadata().setNamespace("prod");
    d.getMetadata().setUid("uid-1");
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setAgentName("voice-agent");
    spec.setLivekit(new LiveKitConnection("wss://lk.example", "livekit"));
    spec.setTemplate(template);
    d.setSpec(spec);
    return d;
  }

  static PodTemplateSpecBuilder template() {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("team", "voice"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage("agent:1")
        .endContainer()
        .addNewContainer()
        .withName("sidecar")
        .withImage("proxy:1")
        .endContainer()
        .endSpec();
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void injectsLiveKitConnectionIntoTheFirstContainerOnly() {
    PodTemplateSpec t = PodRenderer.effectiveTemplate(deployment(template().build()));
    Map<String, EnvVar> env = env(t.getSpec().getContainers().get(0));
    assertThat(env.get("LIVEKIT_URL").getValue()).isEqualTo("wss://lk.example");
    assertThat(env.get("LIVEKIT_AGENT_NAME").getValue()).isEqualTo("voice-agent");
    assertThat(env.get("LIVEKIT_API_KEY").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("livekit");
    assertThat(env.get("LIVEKIT_API_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("api-key");
    assertThat(env.get("LIVEKIT_API_SECRET").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("api-secret");
    assertThat(env.get("AGENTFLEET_DRAIN_TIMEOUT_SECONDS").getValue()).isEqualTo("3600");
    assertThat(t.getSpec().getContainers().get(1).getEnv()).isEmpty();
  }

  @Test
  void whatTheTemplateSetsWins() {
    PodTemplateSpec user =
        template()
            .editSpec()
            .withTerminationGracePeriodSeconds(99L)
            .editFirstContainer()
            .addNewEnv()
            .withName("LIVEKIT_URL")
            .withValue("wss://mine")
            .endEnv()
            .withLivenessProbe(
                new ProbeBuilder().withNewExec().withCommand("true").endExec().build())
            .endContainer()
            .endSpec()
            .build();
    PodTemplateSpec t = PodRenderer.effectiveTemplate(deployment(user));
    Container worker = t.getSpec().getContainers().get(0);
    assertThat(env(worker).get("LIVEKIT_URL").getValue()).isEqualTo("wss://mine");
    assertThat(worker.getLivenessProbe().getExec()).isNotNull();
    assertThat(t.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(99L);
  }

  @Test
  void gracePeriodCoversTheDrainAndProbesUseTheStatusPort() {
    AgentDeployment d = deployment(template().build());
    d.getSpec().getDrain().setTimeoutSeconds(600);
    d.getSpec().getWorkerStatus().setPort(9000);
    PodTemplateSpec t = PodRenderer.effectiveTemplate(d);
    Container worker = t.getSpec().getContainers().get(0);
    assertThat(t.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(630L);
    assertThat(worker.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/");
    assertThat(worker.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
    assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/");
  }

  /**
   * The Python example as a user applies it: its pods get a grace period that covers the drain, and
   * the drain reaches the SDK (the example passes it to livekit-agents as drain_timeout), so the
   * SDK ends its jobs before the kubelet's deadline.
   */
  @Test
  void thePythonExamplesPodsOutlastItsDrain() throws Exception {
    AgentDeployment d =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            java.nio.file.Files.readString(
                java.nio.file.Path.of("../examples/python-agent/agentdeployment.yaml")),
            AgentDeployment.class);
    long drain = d.getSpec().getDrain().getTimeoutSeconds();
    PodTemplateSpec t = PodRenderer.effectiveTemplate(d);
    assertThat(t.getSpec().getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(drain + PodRenderer.GRACE_MARGIN_SECONDS);
    assertThat(env(t.getSpec().getContainers().get(0)).get("AGENTFLEET_DRAIN_TIMEOUT_SECONDS"))
        .extracting(EnvVar::getValue)
        .isEqualTo(Long.toString(drain));
    assertThat(
            java.nio.file.Files.readString(
                java.nio.file.Path.of("../examples/python-agent/agent.py")))
        .contains("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", "drain_timeout");
  }

  @Test
  void ourWorkerIsReadyOnlyWhenRegistered() {
    AgentDeployment d = deployment(template().build());
    d.getSpec().getWorkerStatus().setFormat(WorkerStatusFormat.AGENTFLEET);
    Container worker = PodRenderer.effectiveTemplate(d).getSpec().getContainers().get(0);
    assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
  }

  @Test
  void renderingLeavesTheSpecUntouchedAndIsStable() {
    AgentDeployment d = deployment(template().build());
    PodTemplateSpec before = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).build();
    String first = TemplateHash.of(PodRenderer.effectiveTemplate(d));
    String second = TemplateHash.of(PodRenderer.effectiveTemplate(d));
    assertThat(d.getSpec().getTemplate()).isEqualTo(before);
    assertThat(first).isEqualTo(second);
  }

  @Test
  void podIsLabelledByRevisionAndOwnedAsController() {
    AgentDeployment d = deployment(template().build());
    PodTemplateSpec t = PodRenderer.effectiveTemplate(d);
    String name = PodNames.next("voice", "abc", new SplittableRandom(1));
    Pod pod = PodRenderer.pod(d, t, "abc", name);
    assertThat(pod.getMetadata().getName())
        .startsWith("voice-abc-")
        .hasSize("voice-abc-".length() + 5);
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "voice")
        .containsEntry(AgentDeploymentLabels.DEPLOYMENT, "voice")
        .containsEntry(AgentDeploymentLabels.REVISION, "abc");
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getController()).isTrue();
              assertThat(ref.getUid()).isEqualTo("uid-1");
              assertThat(ref.getKind()).isEqualTo("AgentDeployment");
            });
  }

  @Test
  void longDeploymentNamesStillGiveHostnameSizedPodNames() {
    String name = PodNames.next("a".repeat(100), "bcdfghjklm", new SplittableRandom(2));
    assertThat(name)
        .hasSizeLessThanOrEqualTo(63)
        .endsWith(name.substring(name.length() - 6))
        .contains("-bcdfghjklm-");
  }
}
