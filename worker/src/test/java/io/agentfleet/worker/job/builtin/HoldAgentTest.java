package io.agentfleet.worker.job.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HoldAgentTest {

  @Test
  void readsTheHoldTimeAndOutcomeFromTheMetadata() {
    assertThat(HoldAgent.plan("{\"hold_ms\": 1500}"))
        .isEqualTo(new HoldAgent.Plan(Optional.of(Duration.ofMillis(1500)), false));
    assertThat(HoldAgent.plan("{\"hold_ms\": 10, \"fail\": true}"))
        .isEqualTo(new HoldAgent.Plan(Optional.of(Duration.ofMillis(10)), true));
  }

  @Test
  void aFailureWithoutHoldTimeFailsAtOnce() {
    assertThat(HoldAgent.plan("{\"fail\": true}"))
        .isEqualTo(new HoldAgent.Plan(Optional.of(Duration.ZERO), true));
  }

  @Test
  void withoutAHoldTimeTheCallLastsUntilTerminated() {
    HoldAgent.Plan forever = new HoldAgent.Plan(Optional.empty(), false);
    assertThat(HoldAgent.plan("")).isEqualTo(forever);
    assertThat(HoldAgent.plan("not json")).isEqualTo(forever);
    assertThat(HoldAgent.plan("[1, 2]")).isEqualTo(forever);
    assertThat(HoldAgent.plan("{\"other\": 1}")).isEqualTo(forever);
  }

  @Test
  void agentsAreFoundByNameOrClassName() {
    assertThat(BuiltInAgents.byName("hold")).get().isInstanceOf(HoldAgent.class);
    assertThat(BuiltInAgents.byName(HoldAgent.class.getName())).get().isInstanceOf(HoldAgent.class);
    assertThat(BuiltInAgents.byName("java.lang.String")).isEmpty();
    assertThat(BuiltInAgents.byName("no-such-agent")).isEmpty();
  }
}
