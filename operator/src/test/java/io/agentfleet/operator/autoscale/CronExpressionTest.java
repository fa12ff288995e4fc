package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

  @ParameterizedTest(name = "{0} at {1} -> {2}")
  @CsvSource({
    "'0 8 * * 1-5', 2026-03-02T08:00, true", // Monday
    "'0 8 * * 1-5', 2026-03-07T08:00, false", // Saturday
    "'0 8 * * 1-5', 2026-03-02T08:01, false",
    "'*/15 * * * *', 2026-03-02T10:45, true",
    "'*/15 * * * *', 2026-03-02T10:44, false",
    "'0 9-17/4 * * *', 2026-03-02T13:00, true",
    "'0 9-17/4 * * *', 2026-03-02T15:00, false",
    "'0 0 1 * 0', 2026-03-01T00:00, true", // 1st of month (also a Sunday)
    "'0 0 1 * 0', 2026-03-08T00:00, true", // a Sunday: either day field matches
    "'0 0 1 * 0', 2026-03-02T00:00, false",
    "'0 0 * * 7', 2026-03-08T00:00, true", // 7 is Sunday too
    "'0 12 * 1,7 *', 2026-07-04T12:00, true",
    "'0 12 * 1,7 *', 2026-06-04T12:00, false",
  })
  void matches(String cron, String at, boolean expected) {
    assertThat(CronExpression.parse(cron).matches(LocalDateTime.parse(at))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "'0 8 * *', needs 5 fields",
    "'60 * * * *', minute 60 is outside 0-59",
    "'* 24 * * *', hour 24 is outside 0-23",
    "'* * 0 * *', day of month 0 is outside 1-31",
    "'* * * 13 *', month 13 is outside 1-12",
    "'* * * * 8', day of week 8 is outside 0-7",
    "'5-1 * * * *', runs backwards",
    "'x * * * *', is not a number",
  })
  void rejectsWithAReason(String cron, String reason) {
    assertThatThrownBy(() -> CronExpression.parse(cron)).hasMessageContaining(reason);
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> CronExpression.parse(null)).hasMessageContaining("missing");
  }
}
