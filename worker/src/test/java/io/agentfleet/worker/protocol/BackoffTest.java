package io.agentfleet.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

  @ParameterizedTest(name = "after {0} failures wait {1} ms")
  @CsvSource({"0, 0", "1, 500", "2, 1000", "3, 2000", "5, 8000", "6, 10000", "60, 10000"})
  void doublesUpToTheCap(int failures, long millis) {
    assertThat(backoff.delay(failures)).isEqualTo(Duration.ofMillis(millis));
  }
}
