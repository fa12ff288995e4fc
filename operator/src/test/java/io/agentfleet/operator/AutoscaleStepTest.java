package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.api.v1alpha1.DemandProfileStatus.DemandPeriod;
import io.agentfleet.api.v1alpha1.LearnedSchedule;
import io.agentfleet.operator.autoscale.AutoscalerStateStore;
import io.agentfleet.operator.autoscale.DemandProfile;
import io.agentfleet.operator.autoscale.ScalingHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the autoscaler remembers across an operator restart: only a learned schedule's days. */
class AutoscaleStepTest {

  static final DemandProfileStatus TWO_DAYS =
      new DemandProfileStatus(
          1440,
          List.of(
              new DemandPeriod("2026-03-02T00:00:00Z", Collections.nCopies(96, 4)),
              new DemandPeriod("2026-03-03T00:00:00Z", Collections.nCopies(96, 5))));

  static AgentDeployment deployment(LearnedSchedule learned) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    d.getMetadata().setNamespace("agents");
    d.getMetadata().setUid("uid-1");
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    Autoscaling autoscaling = new Autoscaling();
    autoscaling.setEnabled(true);
    autoscaling.setLearnedSchedule(learned);
    spec.setAutoscaling(autoscaling);
    d.setSpec(spec);
    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setDemandProfile(TWO_DAYS);
    d.setStatus(status);
    return d;
  }

  static AutoscaleStep step(AutoscalerStateStore memory) {
    // history() reads only the memory and the deployment.
    return new AutoscaleStep(null, memory, null, null, null);
  }

  @Test
  void aRestartedOperatorFindsTheDaysLearnedInTheStatus() {
    AgentDeployment d = deployment(new LearnedSchedule(true, 1440, 2));
    ScalingHistory history = step(new AutoscalerStateStore()).history(d);
    assertThat(history.profile().periods()).hasSize(2);
    assertThat(
            history
                .profile()
                .forecast(Instant.parse("2026-03-04T08:00:00Z"), Duration.ofMinutes(2), 2))
        .hasValue(4);
  }

  @Test
  void memoryThatAlreadyLearnsIsNotReplacedByTheStatus() {
    AutoscalerStateStore memory = new AutoscalerStateStore();
    DemandProfile inMemory =
        DemandProfile.fromStatus(
            new DemandProfileStatus(1440, List.of(TWO_DAYS.getPeriods().get(0))),
            Duration.ofDays(1));
    memory.store("uid-1", ScalingHistory.empty().withProfile(inMemory));
    AgentDeployment d = deployment(new LearnedSchedule(true, 1440, 2));
    assertThat(step(memory).history(d).profile()).isEqualTo(inMemory);
  }

  @Test
  void withoutALearnedScheduleTheStatusIsNotRead() {
    assertThat(step(new AutoscalerStateStore()).history(deployment(null)).profile().learns())
        .isFalse();
    assertThat(
            step(new AutoscalerStateStore())
                .history(deployment(new LearnedSchedule(false, 1440, 2)))
                .profile()
                .learns())
        .isFalse();
    // Learned with a day, now a week: learning starts afresh.
    assertThat(
            step(new AutoscalerStateStore())
                .history(deployment(new LearnedSchedule(true, 10080, 2)))
                .profile()
                .periods())
        .isEmpty();
  }
}
