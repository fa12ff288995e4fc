package io.agentfleet.cli.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class TimeoutTest {

  @ParameterizedTest
  @CsvSource({"0, 0", "45, 45", "30s, 30", "5m, 300", "1h30m, 5400", "2h0m5s, 7205", "1500ms, 1"})
  void goDurations(String text, long seconds) {
    assertThat(Timeout.parse(text).toSeconds()).isEqualTo(seconds);
  }

  @Test
  void millisecondsAreKept() {
    assertThat(Timeout.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "5x", "m5", "5m soon", "-5s"})
  void anythingElseIsAUsageError(String text) {
    assertThatThrownBy(() -> Timeout.parse(text)).isInstanceOf(TypeConversionException.class);
  }
}
