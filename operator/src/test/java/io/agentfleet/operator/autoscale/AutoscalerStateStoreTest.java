package io.agentfleet.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoscalerStateStoreTest {
  static final ScalingHistory ONE =
      new ScalingHistory(
          List.of(new ScalingHistory.Recommendation(Instant.parse("2026-12-03T12:00:00Z"), 2)),
          List.of());

  @Test
  void aDeploymentThatStopsAutoscalingForgetsAndMayStartAgain() {
    AutoscalerStateStore store = new AutoscalerStateStore();
    store.store("uid-1", ONE);
    store.forget("uid-1");
    assertThat(store.load("uid-1")).isEqualTo(ScalingHistory.empty());

    store.store("uid-1", ONE);
    assertThat(store.load("uid-1")).isEqualTo(ONE);
  }

  @Test
  void aDecisionStillInFlightForADeletedDeploymentIsNotStored() {
    AutoscalerStateStore store = new AutoscalerStateStore();
    store.store("uid-1", ONE);
    store.deleted("uid-1");
    store.store("uid-1", ONE);

    assertThat(store.load("uid-1")).isEqualTo(ScalingHistory.empty());
    store.store("uid-2", ONE);
    assertThat(store.load("uid-2")).as("other deployments are untouched").isEqualTo(ONE);
  }
}
