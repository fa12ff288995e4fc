package io.agentfleet.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.configdata.ConfigData;
import io.agentfleet.operator.status.Trouble;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CredentialsCheckTest {

  KubernetesClient client;

  @Test
  void aSecretMissingAKeyIsReportedNamingTheField() {
    client
        .secrets()
        .inNamespace("prod")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("livekit")
                .endMetadata()
                .addToData("api-key", "ZGV2a2V5")
                .build())
        .create();
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    d.getMetadata().setNamespace("prod");
    d.setSpec(SpecCheckTest.valid());

    Trouble trouble = new CredentialsCheck(ConfigData.of(client).secrets()).check(d).orElseThrow();

    assertThat(trouble.message())
        .contains("spec.livekit.credentialsSecret")
        .contains("livekit")
        .contains("api-secret");
  }
}
