package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rotated ConfigMap or Secret starts a rollout through the watch on them, not through a periodic
 * resync: this profile pushes every resync an hour away, so only the watch can wake the reconciler.
 */
@QuarkusTest
@TestProfile(ConfigRotationMockTest.NoResync.class)
@WithKubernetesTestServer(crud = true)
class ConfigRotationMockTest {

  public static final class NoResync implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.operator-sdk.controllers.agentdeployment.max-reconciliation-interval", "PT1H",
          "agentfleet.operator.autoscale-resync", "1h");
    }
  }

  static final Duration WAIT = Duration.ofSeconds(20);

  @Inject KubernetesClient client;

  MockCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = MockCluster.withWorkers(client, "cfg");
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void editingAConfigMapThePodsReadRollsOutAtOnceAndAnUnrelatedOneDoesNot() {
    configMap("prompts", "be brief");
    configMap("unrelated", "x");
    cluster.create(readingPrompts("cfg"));
    await().atMost(WAIT).until(() -> rolledOut("cfg") && cluster.pods("cfg").size() == 1);
    String before = cluster.get("cfg").getStatus().getUpdateRevision();

    client
        .configMaps()
        .inNamespace(cluster.namespace)
        .withName("unrelated")
        .edit(c -> new ConfigMapBuilder(c).addToData("v", "y").build());
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(5))
        .until(() -> cluster.get("cfg").getStatus().getUpdateRevision().equals(before));

    client
        .configMaps()
        .inNamespace(cluster.namespace)
        .withName("prompts")
        .edit(c -> new ConfigMapBuilder(c).addToData("v", "be kind").build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                !cluster.get("cfg").getStatus().getUpdateRevision().equals(before)
                    && rolledOut("cfg"));
    assertThat(cluster.revisions("cfg")).hasSize(2);
  }

  @Test
  void rotatingTheCredentialsSecretRollsOutAtOnce() {
    configMap("prompts", "be brief");
    cluster.create(readingPrompts("creds"));
    await().atMost(WAIT).until(() -> rolledOut("creds") && cluster.pods("creds").size() == 1);
    String before = cluster.get("creds").getStatus().getUpdateRevision();

    client
        .secrets()
        .inNamespace(cluster.namespace)
        .withName("livekit")
        .edit(s -> new SecretBuilder(s).addToStringData("api-secret", "s2").build());

    await()
        .atMost(WAIT)
        .until(
            () ->
                !cluster.get("creds").getStatus().getUpdateRevision().equals(before)
                    && rolledOut("creds"));
  }

  boolean rolledOut(String name) {
    AgentDeployment d = cluster.get(name);
    return d.getStatus() != null
        && d.getStatus().getRollout() != null
        && RolloutPhase.Completed.is(d.getStatus().getRollout().getPhase());
  }

  void configMap(String name, String value) {
    client
        .configMaps()
        .inNamespace(cluster.namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToData("v", value)
                .build())
        .create();
  }

  static AgentDeployment readingPrompts(String name) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName(name);
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setLivekit(new LiveKitConnection("ws://127.0.0.1:7880", "livekit"));
    spec.getWorkerStatus().setFormat(WorkerStatusFormat.AGENTFLEET);
    spec.setReplicas(1);
    spec.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .addNewEnv()
            .withName("PROMPT")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("prompts")
            .withKey("v")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec()
            .build());
    d.setSpec(spec);
    return d;
  }
}
