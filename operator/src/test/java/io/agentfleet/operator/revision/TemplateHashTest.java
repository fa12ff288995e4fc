package io.agentfleet.operator.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateHashTest {

  static PodTemplateSpec template(String image, Map<String, String> labels) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void sameContentSameHashWhateverTheMapOrder() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertThat(TemplateHash.of(template("agent:1", ab)))
        .isEqualTo(TemplateHash.of(template("agent:1", ba)));
  }

  @Test
  void anyChangeGivesAnotherHash() {
    String base = TemplateHash.of(template("agent:1", Map.of("a", "1")));
    assertThat(TemplateHash.of(template("agent:2", Map.of("a", "1")))).isNotEqualTo(base);
    assertThat(TemplateHash.of(template("agent:1", Map.of("a", "2")))).isNotEqualTo(base);
  }

  @Test
  void hashIsTenLabelSafeCharacters() {
    String hash = TemplateHash.of(template("agent:1", Map.of()));
    assertThat(hash).hasSize(10).matches("[bcdfghjklmnpqrstvwxz2456789]+");
  }
}
