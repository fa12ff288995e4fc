package io.agentfleet.cli.rollout;

import static io.agentfleet.cli.rollout.RolloutProgress.Outcome.COMPLETE;
import static io.agentfleet.cli.rollout.RolloutProgress.Outcome.FAILED;
import static io.agentfleet.cli.rollout.RolloutProgress.Outcome.IN_PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.cli.Fixtures;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutProgressTest {

  record Case(
      String description,
      Consumer<AgentDeployment> given,
      RolloutProgress.Outcome outcome,
      String message) {
    @Override
    public String toString() {
      return description;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "no status yet",
                d -> d.setStatus(null),
                IN_PROGRESS,
                "Waiting for agentdeployment \"voice-agent\" spec update to be observed..."),
            new Case(
                "status of an older generation, even if Completed",
                d -> d.getMetadata().setGeneration(3L),
                IN_PROGRESS,
                "Waiting for agentdeployment \"voice-agent\" spec update to be observed..."),
            new Case(
                "completed",
                d -> {},
                COMPLETE,
                "agentdeployment \"voice-agent\" successfully rolled out"),
            new Case(
                "Progressing=False ProgressDeadlineExceeded outranks the phase",
                d ->
                    Fixtures.progressing(
                        d.getStatus(), "False", ConditionReason.PROGRESS_DEADLINE_EXCEEDED),
                FAILED,
                "agentdeployment \"voice-agent\" exceeded its progress deadline: new workers did"
                    + " not become available in 600s"),
            new Case(
                "Progressing=False for another reason",
                d -> Fixtures.progressing(d.getStatus(), "False", "WorkersCrashLooping"),
                FAILED,
                "rollout of agentdeployment \"voice-agent\" is not progressing"
                    + " (WorkersCrashLooping): new workers did not become available in 600s"),
            new Case(
                "Progressing=True is no failure",
                d -> {
                  Fixtures.progressing(
                      d.getStatus(), "True", ConditionReason.NEW_REVISION_AVAILABLE);
                },
                COMPLETE,
                "agentdeployment \"voice-agent\" successfully rolled out"),
            new Case(
                "phase Failed",
                d -> phase(d, RolloutPhase.Failed.name()),
                FAILED,
                "rollout of agentdeployment \"voice-agent\" failed"),
            new Case(
                "phase RolledBack with the reason from the condition",
                d -> {
                  phase(d, RolloutPhase.RolledBack.name());
                  d.getStatus()
                      .getConditions()
                      .add(
                          new io.fabric8.kubernetes.api.model.ConditionBuilder()
                              .withType(ConditionType.ROLLED_BACK)
                              .withStatus("True")
                              .withMessage("revision 3 crash-looped")
                              .build());
                },
                FAILED,
                "rollout of agentdeployment \"voice-agent\" was rolled back: revision 3"
                    + " crash-looped"),
            new Case(
                "rolling update in progress, old workers draining",
                d -> {
                  phase(d, RolloutPhase.Progressing.name());
                  d.getStatus().setUpdatedReplicas(1);
                  d.getStatus().setReadyReplicas(2);
                  d.getStatus().getRollout().setDrainingOldWorkers(1);
                  d.getStatus().getRollout().setDrainingOldCalls(1);
                },
                IN_PROGRESS,
                "Waiting for rollout of agentdeployment \"voice-agent\" to finish: 1 of 2 workers"
                    + " updated, 2 ready, 1 old worker draining with 1 call..."),
            new Case(
                "canary step in progress",
                d -> {
                  canary(d, RolloutPhase.Progressing.name(), 2);
                  d.getStatus().setUpdatedReplicas(1);
                },
                IN_PROGRESS,
                "Waiting for rollout of agentdeployment \"voice-agent\" to finish: canary step 3"
                    + " of 4 (weight 50%), 1 of 2 workers updated, 2 ready..."),
            new Case(
                "past the last canary step",
                d -> {
                  canary(d, RolloutPhase.Progressing.name(), 4);
                  d.getStatus().getRollout().setWeight(100);
                  d.getStatus().setUpdatedReplicas(1);
                },
                IN_PROGRESS,
                "Waiting for rollout of agentdeployment \"voice-agent\" to finish: canary steps"
                    + " done (weight 100%), 1 of 2 workers updated, 2 ready..."),
            new Case(
                "a rolling update's step number is not shown",
                d -> {
                  phase(d, RolloutPhase.Progressing.name());
                  d.getStatus().getRollout().setStep(0);
                  d.getStatus().getRollout().setWeight(100);
                  d.getStatus().setUpdatedReplicas(1);
                },
                IN_PROGRESS,
                "Waiting for rollout of agentdeployment \"voice-agent\" to finish: 1 of 2 workers"
                    + " updated, 2 ready..."),
            new Case(
                "canary pause until promoted",
                d -> canary(d, RolloutPhase.Paused.name(), 3),
                IN_PROGRESS,
                "Rollout of agentdeployment \"voice-agent\" is paused at canary step 4 of 4"
                    + " (weight 50%): 2 of 2 workers updated, 2 ready; continue with: kubectl agents"
                    + " rollout promote voice-agent"),
            new Case(
                "timed canary pause",
                d -> canary(d, RolloutPhase.Paused.name(), 1),
                IN_PROGRESS,
                "Rollout of agentdeployment \"voice-agent\" is paused for 300s at canary step 2 of"
                    + " 4 (weight 50%): 2 of 2 workers updated, 2 ready; continue with: kubectl"
                    + " agents rollout promote voice-agent"),
            new Case(
                "paused by spec.paused",
                d -> {
                  phase(d, RolloutPhase.Paused.name());
                  d.getSpec().setPaused(true);
                },
                IN_PROGRESS,
                "Rollout of agentdeployment \"voice-agent\" is paused (spec.paused): 2 of 2 workers"
                    + " updated, 2 ready; continue with: kubectl agents rollout resume voice-agent"),
            new Case(
                "no rollout status: settled when current = update and all updated",
                d -> d.getStatus().setRollout(null),
                COMPLETE,
                "agentdeployment \"voice-agent\" successfully rolled out"),
            new Case(
                "no rollout status: old revision still current",
                d -> {
                  d.getStatus().setRollout(null);
                  d.getStatus().setCurrentRevision("voice-agent-aaa");
                },
                IN_PROGRESS,
                "Waiting for rollout of agentdeployment \"voice-agent\" to finish: 2 of 2 workers"
                    + " updated, 2 ready..."))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void outcomeAndMessage(Case c) {
    AgentDeployment d = Fixtures.deployment(Fixtures.template("agent:2"));
    d.getMetadata().setGeneration(1L);
    d.setStatus(Fixtures.status(1, RolloutPhase.Completed.name()));
    c.given().accept(d);

    RolloutProgress progress = RolloutProgress.of(d);

    assertThat(progress.outcome()).isEqualTo(c.outcome());
    assertThat(progress.message()).isEqualTo(c.message());
    assertThat(progress.finished()).isEqualTo(c.outcome() != IN_PROGRESS);
  }

  static void phase(AgentDeployment d, String phase) {
    d.getStatus().getRollout().setPhase(phase);
  }

  /** Steps: 25%, pause 300s, 50%, pause until promoted. */
  static void canary(AgentDeployment d, String phase, int step) {
    Strategy strategy = new Strategy();
    strategy.setType(StrategyType.CANARY);
    Canary canary = new Canary();
    canary.setSteps(
        List.of(
            CanaryStep.weight(25),
            CanaryStep.pause(300),
            CanaryStep.weight(50),
            CanaryStep.pause(null)));
    strategy.setCanary(canary);
    d.getSpec().setStrategy(strategy);
    AgentDeploymentStatus s = d.getStatus();
    s.getRollout().setPhase(phase);
    s.getRollout().setStep(step);
    s.getRollout().setWeight(50);
  }
}
