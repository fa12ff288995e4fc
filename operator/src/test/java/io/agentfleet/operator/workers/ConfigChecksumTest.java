package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigChecksumTest {

  static final PodTemplateSpec READS_EVERYTHING =
      new PodTemplateSpecBuilder()
          .withNewSpec()
          .addNewInitContainer()
          .withName("fetch-model")
          .withImage("fetch:1")
          .addNewEnvFrom()
          .withNewSecretRef()
          .withName("model-registry")
          .endSecretRef()
          .endEnvFrom()
          .endInitContainer()
          .addNewContainer()
          .withName("agent")
          .withImage("agent:1")
          .addNewEnv()
          .withName("OPENAI_API_KEY")
          .withNewValueFrom()
          .withNewSecretKeyRef()
          .withName("openai")
          .withKey("key")
          .endSecretKeyRef()
          .endValueFrom()
          .endEnv()
          .addNewEnv()
          .withName("PROMPT")
          .withNewValueFrom()
          .withNewConfigMapKeyRef()
          .withName("prompts")
          .withKey("system")
          .endConfigMapKeyRef()
          .endValueFrom()
          .endEnv()
          .addNewEnv()
          .withName("PLAIN")
          .withValue("not a reference")
          .endEnv()
          .addNewEnvFrom()
          .withNewConfigMapRef()
          .withName("tuning")
          .endConfigMapRef()
          .endEnvFrom()
          .endContainer()
          .endSpec()
          .build();

  @Test
  void findsTheCredentialsAndEverySecretAndConfigMapTheContainersRead() {
    AgentDeploymentSpec spec =
        PodRendererTest.deployment(READS_EVERYTHING).getSpec(); // credentials Secret "livekit"

    ConfigChecksum.Refs refs = ConfigChecksum.refs(spec);

    assertThat(refs.secrets()).containsExactly("livekit", "model-registry", "openai");
    assertThat(refs.configMaps()).containsExactly("prompts", "tuning");
  }

  @Test
  void includesOnlyWhatThePodsReadByKindAndName() {
    ConfigChecksum.Refs refs =
        ConfigChecksum.refs(PodRendererTest.deployment(READS_EVERYTHING).getSpec());

    assertThat(refs.include(secret("openai"))).isTrue();
    assertThat(refs.include(configMap("prompts"))).isTrue();
    assertThat(refs.include(secret("prompts"))).as("a Secret named like a ConfigMap").isFalse();
    assertThat(refs.include(configMap("openai"))).isFalse();
    assertThat(refs.include(secret("unrelated"))).isFalse();
  }

  @Test
  void aTemplateWithoutReferencesReadsOnlyTheCredentials() {
    AgentDeploymentSpec spec =
        PodRendererTest.deployment(PodRendererTest.template().build()).getSpec();

    assertThat(ConfigChecksum.refs(spec).secrets()).containsExactly("livekit");
    assertThat(ConfigChecksum.refs(spec).configMaps()).isEmpty();
  }

  @Test
  void theDigestFollowsTheContentNotTheOrder() {
    String a =
        ConfigChecksum.digest(
            Map.of("secret/openai", Map.of("key", "k1", "org", "o"), "configmap/p", Map.of()));
    String sameInAnotherOrder =
        ConfigChecksum.digest(
            Map.of("configmap/p", Map.of(), "secret/openai", Map.of("org", "o", "key", "k1")));
    String rotated =
        ConfigChecksum.digest(
            Map.of("secret/openai", Map.of("key", "k2", "org", "o"), "configmap/p", Map.of()));

    assertThat(a).hasSize(16).isEqualTo(sameInAnotherOrder);
    assertThat(rotated).isNotEqualTo(a);
  }

  @Test
  void aSecretCountsByAnHmacKeyedByItsUidSoItsValuesCannotBeConfirmedFromThePods() {
    var original = secret("livekit", "uid-1", "api-secret", "c2VjcmV0");
    var rotated = secret("livekit", "uid-1", "api-secret", "cm90YXRlZA==");
    var recreatedWithSameValues = secret("livekit", "uid-2", "api-secret", "c2VjcmV0");

    String before =
        ConfigChecksum.digest(Map.of("secret/livekit", ConfigChecksum.sealed(original)));
    String afterRotation =
        ConfigChecksum.digest(Map.of("secret/livekit", ConfigChecksum.sealed(rotated)));
    String afterRecreation =
        ConfigChecksum.digest(
            Map.of("secret/livekit", ConfigChecksum.sealed(recreatedWithSameValues)));
    // What someone who reads pods could compute from a guessed value alone.
    String fromValuesOnly =
        ConfigChecksum.digest(Map.of("secret/livekit", Map.of("api-secret", "c2VjcmV0")));

    assertThat(afterRotation).isNotEqualTo(before);
    assertThat(afterRecreation).isNotEqualTo(before);
    assertThat(before).isNotEqualTo(fromValuesOnly);
    assertThat(ConfigChecksum.sealed(original).toString()).doesNotContain("c2VjcmV0");
    // Same Secret, same data: same checksum (no rollout without a change).
    assertThat(ConfigChecksum.sealed(secret("livekit", "uid-1", "api-secret", "c2VjcmV0")))
        .isEqualTo(ConfigChecksum.sealed(original));
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(
      String name, String uid, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .withData(Map.of(key, value))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(String name) {
    return new SecretBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build();
  }
}
