package io.agentfleet.operator.configdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataOnlyStoreTest {

  @Test
  void keepsASecretsMetadataAndDropsItsKeys() {
    MetadataOnlyStore<Secret> store = MetadataOnlyStore.secrets();
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("prod")
            .withName("openai")
            .withResourceVersion("42")
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of("key", "c2stc2VjcmV0"))
            .withStringData(Map.of("org", "acme"))
            .build();

    store.put(store.getKey(secret), secret);

    Secret kept = store.get("prod/openai");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getType()).isEqualTo("Opaque");
    assertThat(kept.getData()).isNullOrEmpty();
    assertThat(kept.getStringData()).isNullOrEmpty();
    assertThat(secret.getData()).as("the informer's own object is not touched").isNotEmpty();
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove("prod/openai")).isNotNull();
    assertThat(store.size()).isZero();
  }

  @Test
  void keepsAConfigMapsMetadataAndDropsItsData() {
    MetadataOnlyStore<ConfigMap> store = MetadataOnlyStore.configMaps();
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("prod")
            .withName("prompts")
            .endMetadata()
            .withData(Map.of("system", "be brief"))
            .build();

    store.put(store.getKey(map), map);

    assertThat(store.values())
        .singleElement()
        .satisfies(c -> assertThat(c.getData()).isNullOrEmpty());
    assertThat(store.keySet()).containsExactly("prod/prompts");
  }
}
