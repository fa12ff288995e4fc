package io.agentfleet.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

  @ParameterizedTest(name = "after {0} failures wait at most {1} ms")
  @CsvSource({"0, 0", "1, 500", "2, 1000", "3, 2000", "5, 8000", "6, 10000", "60, 10000"})
  void theCeilingDoublesUpToTheCap(int failures, long millis) {
    assertThat(backoff.ceiling(failures)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void eachWaitLiesBetweenHalfItsCeilingAndItsCeiling() {
    Random random = new Random(3);
    for (int failures = 0; failures <= 8; failures++) {
      long ceiling = backoff.ceiling(failures).toMillis();
      for (int i = 0; i < 1000; i++) {
        long wait = backoff.delay(failures, random).toMillis();
        assertThat(wait).isBetween(ceiling - ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void theFirstRetryIsImmediate() {
    assertThat(backoff.delay(0, new Random(1))).isZero();
  }

  @Test
  void workersThatFailedTogetherDoNotRetryTogether() {
    Random random = new Random(5);
    Set<Long> waits = new HashSet<>();
    for (int worker = 0; worker < 100; worker++) {
      waits.add(backoff.delay(4, random).toMillis());
    }
    assertThat(waits).as("100 workers' fourth waits").hasSizeGreaterThan(50);
  }

  @Test
  void belowTheCapAWaitIsNeverShorterThanTheOneBefore() {
    Random random = new Random(9);
    for (int run = 0; run < 1000; run++) {
      long before = 0;
      for (int failures = 1; backoff.ceiling(failures).compareTo(backoff.max()) < 0; failures++) {
        long wait = backoff.delay(failures, random).toMillis();
        assertThat(wait).isGreaterThanOrEqualTo(before);
        before = wait;
      }
    }
  }
}
