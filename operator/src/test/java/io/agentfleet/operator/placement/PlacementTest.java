package io.agentfleet.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static WaitingDispatch dispatch(String room, String agent, int ageSeconds, int jobs) {
    return new WaitingDispatch(
        "AD_" + room, room, agent, "{\"hold_ms\":1000}", T0.minusSeconds(ageSeconds), jobs);
  }

  @Test
  void aDispatchWithAJobIsNotWaiting() {
    Placement p =
        Placement.plan(List.of(dispatch("r1", "a", 30, 1), dispatch("r2", "a", 1, 1)), "a", 2, T0);
    assertThat(p.waiting()).isZero();
    assertThat(p.reoffer()).isEmpty();
    assertThat(p.reason()).isEmpty();
    assertThat(p.unresolved()).isFalse();
  }

  @Test
  void aNewDispatchWithoutAJobIsStillBeingOfferedAndKeepsTheWatchOpen() {
    Placement p = Placement.plan(List.of(dispatch("r1", "a", 2, 0)), "a", 2, T0);
    assertThat(p.waiting()).isZero();
    assertThat(p.reoffer()).isEmpty();
    assertThat(p.settling()).isOne();
    assertThat(p.unresolved()).as("its offer may be given up too").isTrue();
  }

  @Test
  void aGivenUpDispatchIsMadeAgainWhenAWorkerIsFree() {
    WaitingDispatch old = dispatch("r1", "a", (int) Placement.SETTLE.toSeconds(), 0);
    Placement p = Placement.plan(List.of(old, dispatch("r2", "a", 1, 0)), "a", 1, T0);
    assertThat(p.waiting()).isOne();
    assertThat(p.reoffer()).containsExactly(old);
    assertThat(p.settling()).isOne();
    assertThat(p.reason()).contains("1 dispatch(es) found no worker", "1 worker(s) can take calls");
  }

  @Test
  void withNoFreeWorkerItWaitsAndSaysSo() {
    Placement p = Placement.plan(List.of(dispatch("r1", "a", 60, 0)), "a", 0, T0);
    assertThat(p.waiting()).isOne();
    assertThat(p.reoffer()).isEmpty();
    assertThat(p.reason()).contains("none is free");
  }

  @Test
  void anotherAgentsDispatchesAreNotThisDeploymentsBusiness() {
    Placement p = Placement.plan(List.of(dispatch("r1", "b", 60, 0)), "a", 3, T0);
    assertThat(p.waiting()).isZero();
    assertThat(p.reoffer()).isEmpty();
  }

  @Test
  void theServerApiIsOnTheWorkersAddress() {
    assertThat(DispatchClients.httpUrl("ws://127.0.0.1:7880")).isEqualTo("http://127.0.0.1:7880");
    assertThat(DispatchClients.httpUrl("wss://lk.example.com")).isEqualTo("https://lk.example.com");
    assertThat(DispatchClients.httpUrl("https://lk.example.com"))
        .isEqualTo("https://lk.example.com");
  }
}
