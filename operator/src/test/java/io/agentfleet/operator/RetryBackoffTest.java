package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

  @Test
  void doublesFromFiveSecondsUpToFiveMinutesAndResets() {
    RetryBackoff backoff = new RetryBackoff();
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.next("b")).isEqualTo(Duration.ofSeconds(5));
    for (int i = 0; i < 40; i++) {
      backoff.next("a");
    }
    assertThat(backoff.next("a")).isEqualTo(Duration.ofMinutes(5));
    backoff.reset("a");
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(5));
  }
}
