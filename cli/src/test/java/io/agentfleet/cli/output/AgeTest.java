package io.agentfleet.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgeTest {

  /** The cases of kubectl's HumanDuration. */
  @ParameterizedTest(name = "{0}s -> {1}")
  @CsvSource({
    "-5, 0s",
    "0, 0s",
    "59, 59s",
    "119, 119s",
    "120, 2m",
    "192, 3m12s",
    "599, 9m59s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "11400, 3h10m",
    "28800, 8h",
    "172799, 47h",
    "172800, 2d",
    "183600, 2d3h",
    "691200, 8d",
    "63071999, 729d",
    "63072000, 2y",
    "65664000, 2y30d",
    "252288000, 8y"
  })
  void humanDurationLikeKubectl(long seconds, String expected) {
    assertThat(Age.of(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      value = {"NULL", "''", "yesterday"},
      nullValues = "NULL")
  void unreadableTimestampsAreUnknown(String timestamp) {
    assertThat(Age.since(timestamp, Instant.EPOCH)).isEqualTo("<unknown>");
  }

  @ParameterizedTest
  @CsvSource({"2026-11-25T10:00:00Z, 2026-11-25T10:05:30Z, 5m30s"})
  void sinceATimestamp(String then, String now, String expected) {
    assertThat(Age.since(then, Instant.parse(now))).isEqualTo(expected);
  }
}
