package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestartBackoffTest {
  @ParameterizedTest(name = "restart {0} waits {1}s")
  @CsvSource({"0, 10", "1, 10", "2, 20", "3, 40", "5, 160", "6, 300", "50, 300"})
  void doublesUpToTheCapLikeTheKubelet(int restart, long seconds) {
    assertThat(RestartBackoff.KUBELET.before(restart)).isEqualTo(Duration.ofSeconds(seconds));
  }
}
