package io.agentfleet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.operator.autoscale.DemandProfile;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.autoscale.ScaleDecision.Limit;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static AgentDeployment deployment(int replicas) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    d.getMetadata().setGeneration(3L);
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setReplicas(replicas);
    d.setSpec(spec);
    return d;
  }

  static WorkerPod pod(String revision, boolean ready, boolean terminating) {
    return new WorkerPod(
        "p-" + revision + ready + terminating, revision, ready, terminating, false, T0);
  }

  @Test
  void countsPodsByStateAndRevision() {
    AgentDeploymentStatus s =
        StatusAggregator.compute(
            deployment(2),
            FleetView.of(
                List.of(pod("new", true, false), pod("old", true, false), pod("old", true, true)),
                "voice-new",
                "new"),
            Optional.empty(),
            T0);
    assertThat(s.getReplicas()).isEqualTo(2);
    assertThat(s.getReadyReplicas()).isEqualTo(2);
    assertThat(s.getUpdatedReplicas()).isEqualTo(1);
    assertThat(s.getDrainingWorkers()).isEqualTo(1);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getSelector()).isEqualTo(AgentDeploymentLabels.selector("voice"));
    assertThat(Conditions.find(s.getConditions(), ConditionType.PROGRESSING).getReason())
        .isEqualTo(ConditionReason.ROLLOUT_IN_PROGRESS);
  }

  @Test
  void withoutARevisionTheMessageNamesNone() {
    AgentDeploymentStatus s =
        StatusAggregator.compute(
            deployment(1),
            FleetView.of(List.of(pod("old", true, false)), null, null),
            Optional.empty(),
            T0);
    String message = Conditions.find(s.getConditions(), ConditionType.PROGRESSING).getMessage();
    assertThat(message).doesNotContain("null").contains("no revision").contains("1 workers");
  }

  @Test
  void transitionTimeStaysWhileNothingChanges() {
    AgentDeployment d = deployment(1);
    AgentDeploymentStatus first =
        StatusAggregator.compute(
            d,
            FleetView.of(List.of(pod("new", true, false)), "voice-new", "new"),
            Optional.empty(),
            T0);
    d.setStatus(first);
    AgentDeploymentStatus again =
        StatusAggregator.compute(
            d,
            FleetView.of(List.of(pod("new", true, false)), "voice-new", "new"),
            Optional.empty(),
            T0.plusSeconds(60));
    assertThat(again).isEqualTo(first);

    d.setStatus(again);
    AgentDeploymentStatus degraded =
        StatusAggregator.compute(
            d,
            FleetView.of(List.of(pod("new", true, false)), "voice-new", "new"),
            Optional.of(new Trouble(EventReason.ApiError.name(), "boom")),
            T0.plusSeconds(120));
    assertThat(
            Conditions.find(degraded.getConditions(), ConditionType.DEGRADED)
                .getLastTransitionTime())
        .isEqualTo(T0.plusSeconds(120).toString());
    assertThat(
            Conditions.find(degraded.getConditions(), ConditionType.AVAILABLE)
                .getLastTransitionTime())
        .isEqualTo(T0.toString());
  }

  @Test
  void currentRevisionMovesOnlyWhenTheRolloutCompletes() {
    AgentDeployment d = deployment(1);
    AgentDeploymentStatus previous = new AgentDeploymentStatus();
    previous.setCurrentRevision("voice-old");
    d.setStatus(previous);
    AgentDeploymentStatus during =
        StatusAggregator.compute(
            d,
            FleetView.of(
                List.of(pod("old", true, false), pod("new", false, false)), "voice-new", "new"),
            Optional.empty(),
            T0);
    assertThat(during.getCurrentRevision()).isEqualTo("voice-old");
    AgentDeploymentStatus after =
        StatusAggregator.compute(
            d,
            FleetView.of(List.of(pod("new", true, false)), "voice-new", "new"),
            Optional.empty(),
            T0);
    assertThat(after.getCurrentRevision()).isEqualTo("voice-new");
  }

  @Test
  void aLearnedSchedulesClosedSlotsAreKeptInTheStatusAndOutliveADecisionNotMade() {
    List<Integer> peaks = new java.util.ArrayList<>(java.util.Collections.nCopies(96, 2));
    DemandProfileStatus kept =
        new DemandProfileStatus(
            1440, List.of(new DemandProfileStatus.DemandPeriod("2025-12-31T00:00:00Z", peaks)));
    DemandProfile profile = DemandProfile.fromStatus(kept, Duration.ofDays(1));
    AgentDeployment d = deployment(2);
    Autoscaling autoscaling = new Autoscaling();
    autoscaling.setEnabled(true);
    d.getSpec().setAutoscaling(autoscaling);
    ScaleDecision decision =
        new ScaleDecision(2, 2, Limit.NONE, "", ScalingHistory.empty().withProfile(profile));
    FleetView decided =
        new FleetView(
            List.of(pod("new", true, false)),
            "voice-new",
            "new",
            Optional.of(decision),
            Optional.empty(),
            Optional.empty(),
            null,
            Optional.empty());
    AgentDeploymentStatus s = StatusAggregator.compute(d, decided, Optional.empty(), T0);
    assertThat(s.getDemandProfile()).isEqualTo(kept);

    // An error kept the autoscaler from deciding: the profile stays as it was.
    d.setStatus(s);
    FleetView undecided = FleetView.of(List.of(pod("new", true, false)), "voice-new", "new");
    assertThat(StatusAggregator.compute(d, undecided, Optional.empty(), T0).getDemandProfile())
        .isEqualTo(kept);

    // Not learning (or not autoscaled): no profile in the status.
    ScaleDecision plain = new ScaleDecision(2, 2, Limit.NONE, "", ScalingHistory.empty());
    assertThat(
            StatusAggregator.compute(
                    d,
                    new FleetView(
                        decided.pods(),
                        "voice-new",
                        "new",
                        Optional.of(plain),
                        Optional.empty(),
                        Optional.empty(),
                        null,
                        Optional.empty()),
                    Optional.empty(),
                    T0)
                .getDemandProfile())
        .isNull();
    autoscaling.setEnabled(false);
    assertThat(StatusAggregator.compute(d, undecided, Optional.empty(), T0).getDemandProfile())
        .isNull();
  }
}
