package io.agentfleet.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JoinLatenciesTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void theWaitRunsFromTheRoomsStartToTheFirstAgent() {
    JoinLatencies j = new JoinLatencies();
    for (int i = 1; i <= 20; i++) {
      j.roomStarted("room-" + i, T0);
      j.agentJoined("room-" + i, T0.plusMillis(100L * i));
      j.agentJoined("room-" + i, T0.plusSeconds(60)); // a second agent is not a wait
    }
    JoinLatencies.Summary s = j.summary(T0.plusSeconds(60));
    assertThat(s.joins()).isEqualTo(20);
    assertThat(s.p50Millis()).isEqualTo(1000);
    assertThat(s.p95Millis()).isEqualTo(1900);
    assertThat(s.maxMillis()).isEqualTo(2000);
  }

  @Test
  void aRoomThatEndsOrWasNeverSeenStartingTellsNothing() {
    JoinLatencies j = new JoinLatencies();
    j.roomStarted("gone", T0);
    j.roomFinished("gone");
    j.agentJoined("gone", T0.plusSeconds(1));
    j.agentJoined("unseen", T0.plusSeconds(1));
    assertThat(j.summary(T0.plusSeconds(2)))
        .isEqualTo(new JoinLatencies.Summary(0, null, null, null));
  }

  @Test
  void boundedInOpenRoomsAndJoinsAndOnlyTheLastHourCounts() {
    JoinLatencies j = new JoinLatencies();
    for (int i = 0; i < JoinLatencies.OPEN + 10; i++) {
      j.roomStarted("open-" + i, T0);
    }
    // the oldest open rooms were forgotten
    j.agentJoined("open-0", T0.plusSeconds(1));
    assertThat(j.summary(T0.plusSeconds(1)).joins()).isZero();
    j.agentJoined("open-" + (JoinLatencies.OPEN + 9), T0.plusSeconds(1));
    assertThat(j.summary(T0.plusSeconds(1)).joins()).isEqualTo(1);

    for (int i = 0; i < JoinLatencies.KEPT + 50; i++) {
      j.roomStarted("r" + i, T0.plusSeconds(10));
      j.agentJoined("r" + i, T0.plusSeconds(11));
    }
    assertThat(j.summary(T0.plusSeconds(11)).joins()).isEqualTo(JoinLatencies.KEPT);
    assertThat(j.summary(T0.plusSeconds(11).plus(History.WINDOW).plusSeconds(1)).joins()).isZero();
  }
}
