package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRuleTest {
  static final ImageRule WORKER =
      new ImageRule(
          "agentfleet/worker",
          List.of("java", "-jar", "worker.jar"),
          List.of("start"),
          Map.of(
              "AGENTFLEET_HTTP_PORT", "{port}",
              "AGENTFLEET_DRAIN_TIMEOUT", "{env:AGENTFLEET_DRAIN_TIMEOUT_SECONDS}"));

  @ParameterizedTest
  @CsvSource({
    "agentfleet/worker, true",
    "agentfleet/worker:dev, true",
    "agentfleet/worker@sha256:abc, true",
    "agentfleet/worker-other:1, false",
    "ghcr.io/agentfleet/worker:1, false"
  })
  void matchesTheImageWithAnyTag(String image, boolean matches) {
    assertThat(WORKER.matches(image)).isEqualTo(matches);
  }

  @Test
  void aPrefixRuleMatchesEverythingBelowIt() {
    ImageRule rule =
        new ImageRule("ghcr.io/acme/*", List.of("node", "agent.mjs"), List.of(), Map.of());
    assertThat(rule.matches("ghcr.io/acme/voice:1")).isTrue();
    assertThat(rule.matches("ghcr.io/other/voice:1")).isFalse();
  }

  @Test
  void placeholdersAreFilledFromThePodAndItsEnv() {
    ImageRule.Launch launch =
        WORKER.launch(
            List.of(),
            Map.of("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", "120"),
            new ImageRule.Placeholders(41234, "w-1", "default"));
    assertThat(launch.command()).containsExactly("java", "-jar", "worker.jar", "start");
    assertThat(launch.env())
        .containsEntry("AGENTFLEET_HTTP_PORT", "41234")
        .containsEntry("AGENTFLEET_DRAIN_TIMEOUT", "120");
  }

  @Test
  void theContainersArgsReplaceTheDefaultsAndAnUnsetEnvIsLeftOut() {
    ImageRule.Launch launch =
        WORKER.launch(
            List.of("start", "--max-jobs", "{port}"),
            Map.of(),
            new ImageRule.Placeholders(5000, "w-1", "default"));
    assertThat(launch.command()).endsWith("start", "--max-jobs", "5000");
    assertThat(launch.env()).doesNotContainKey("AGENTFLEET_DRAIN_TIMEOUT");
  }
}
