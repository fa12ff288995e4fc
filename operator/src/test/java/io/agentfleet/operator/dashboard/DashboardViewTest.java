package io.agentfleet.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.SampleDeployments;
import io.agentfleet.operator.dashboard.Board.EventLine;
import io.agentfleet.operator.dashboard.Board.Observed;
import io.agentfleet.operator.dashboard.DashboardView.Page;
import io.agentfleet.operator.dashboard.DashboardView.RevisionRow;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DashboardViewTest {

  static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  static final String SECRET_VALUE = "do-not-show-me-0123456789abcdef";

  static WorkerReport report(int calls, double load, boolean draining, long ok, long failed) {
    return new WorkerReport(
        calls, load, draining, draining, 10, ok, failed, WorkerStatusFormat.AGENTFLEET);
  }

  /** A canary deployment whose template carries a secret in plain env, at its first pause. */
  static AgentDeployment deployment() {
    AgentDeployment d = SampleDeployments.ourWorker("voice", 3, "agent:v2");
    d.getMetadata().setNamespace("team");
    d.getSpec().setAgentName("voice-agent");
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new EnvVarBuilder().withName("OPENAI_API_KEY").withValue(SECRET_VALUE).build()));
    Strategy strategy = new Strategy();
    strategy.setType(StrategyType.CANARY);
    Canary canary = new Canary();
    canary.setSteps(List.of(CanaryStep.weight(25), CanaryStep.pause(null), CanaryStep.weight(50)));
    strategy.setCanary(canary);
    d.getSpec().setStrategy(strategy);
    Autoscaling autoscaling = new Autoscaling();
    autoscaling.setEnabled(true);
    autoscaling.setTargetLoad(0.6);
    d.getSpec().setAutoscaling(autoscaling);
    return d;
  }

  static AgentDeploymentStatus status() {
    AgentDeploymentStatus s = new AgentDeploymentStatus();
    s.setDesiredReplicas(4);
    s.setReadyReplicas(3);
    s.setActiveJobs(5);
    s.setLoad(0.45);
    s.setUpdateRevision("voice-new");
    s.setCurrentRevision("voice-old");
    s.setLastStableRevision("voice-old");
    RolloutStatus r = new RolloutStatus();
    r.setPhase("Paused");
    r.setStep(1);
    r.setWeight(25);
    r.setDrainingOldWorkers(0);
    r.setMessage("canary at 25%: waiting for promotion");
    s.setRollout(r);
    s.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Degraded")
                .withStatus("True")
                .withReason("GracePeriodShorterThanDrain")
                .withMessage("grace period shorter than the drain")
                .build()));
    return s;
  }

  static List<WorkerPod> pods() {
    Instant created = NOW.minusSeconds(600);
    return List.of(
        new WorkerPod("voice-a", "old", true, false, false, created, report(3, 0.3, false, 7, 1)),
        new WorkerPod("voice-b", "old", true, false, false, created, report(0, 0.0, false, 2, 0)),
        new WorkerPod("voice-c", "old", true, true, false, created, report(2, 0.2, true, 5, 0)),
        new WorkerPod("voice-d", "new", false, false, false, NOW.minusSeconds(5), null),
        new WorkerPod("voice-e", "new", true, false, false, created, null));
  }

  static ControllerRevision revision(String name, String hash, long number, boolean rolledBack) {
    PodTemplateSpec template = deployment().getSpec().getTemplate();
    template.getSpec().getContainers().get(0).setImage("agent:" + hash);
    return new ControllerRevisionBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(AgentDeploymentLabels.of("voice", hash))
        .withAnnotations(
            rolledBack ? Map.of(AgentDeploymentAnnotations.ROLLED_BACK, "failed calls") : Map.of())
        .withCreationTimestamp(NOW.minusSeconds(3600 * number).toString())
        .endMetadata()
        .withRevision(number)
        .withData(RevisionData.of(template))
        .build();
  }

  static Page page() {
    return DashboardView.page(
        new Observed(deployment(), status(), pods(), NOW),
        List.of(
            revision("voice-old", "old", 1, false),
            revision("voice-new", "new", 2, false),
            revision("voice-bad", "bad", 3, true)),
        List.of(new History.Sample(NOW, 5, 0.45, 0.6, 4, 3)),
        List.of(new EventLine(NOW, "Normal", "ScaledUp", "load 0.82 > target 0.50 → 4")),
        false);
  }

  @Test
  void summaryCountsLiveWorkersAndCarriesTheFiguresOfTheStatus() {
    DashboardView.Summary s = page().summary();
    assertThat(s.workers()).isEqualTo(4); // the terminating one drains, it is not a worker
    assertThat(s.desired()).isEqualTo(4);
    assertThat(s.ready()).isEqualTo(3);
    assertThat(s.calls()).isEqualTo(5);
    assertThat(s.load()).isEqualTo(0.45);
    assertThat(s.targetLoad()).isEqualTo(0.6);
    assertThat(s.strategy()).isEqualTo("Canary");
    assertThat(s.rolloutPhase()).isEqualTo("Paused");
    assertThat(s.degraded()).isEqualTo("GracePeriodShorterThanDrain");
  }

  @Test
  void workersAreCountedByRevisionAndState() {
    Page p = page();
    assertThat(p.byRevision()).hasSize(2);
    var old = p.byRevision().get(1);
    assertThat(old.revision()).isEqualTo("old");
    assertThat(old.states())
        .containsEntry("busy", 1)
        .containsEntry("idle", 1)
        .containsEntry("draining", 1)
        .containsEntry("starting", 0);
    assertThat(old.calls()).isEqualTo(5);
    var fresh = p.byRevision().get(0);
    assertThat(fresh.states()).containsEntry("starting", 1).containsEntry("unknown", 1);
    assertThat(p.workers())
        .extracting(DashboardView.Worker::name, DashboardView.Worker::state)
        .contains(
            org.assertj.core.groups.Tuple.tuple("voice-a", "busy"),
            org.assertj.core.groups.Tuple.tuple("voice-d", "starting"));
  }

  @Test
  void rolloutSaysStepAndWhatItWaitsFor() {
    DashboardView.Rollout r = page().rollout();
    assertThat(r.strategy()).isEqualTo("Canary");
    assertThat(r.step()).isEqualTo(1);
    assertThat(r.steps()).isEqualTo(3);
    assertThat(r.weight()).isEqualTo(25);
    assertThat(r.waitingFor()).contains("promote");
  }

  static Stream<Arguments> waits() {
    List<CanaryStep> steps = List.of(CanaryStep.weight(10), CanaryStep.pause(300));
    return Stream.of(
        Arguments.of(true, rollout("Progressing", 0, null, 0), steps, "spec.paused"),
        Arguments.of(false, null, steps, null),
        Arguments.of(false, rollout("Completed", 2, null, 0), steps, null),
        Arguments.of(false, rollout("RolledBack", 0, null, 0), steps, "a new template"),
        Arguments.of(
            false,
            rollout("Paused", 1, NOW.minusSeconds(100).toString(), 0),
            steps,
            "a pause of 300 s, 200 s left"),
        Arguments.of(false, rollout("Progressing", 0, null, 2), steps, "2 old worker(s) to drain"),
        Arguments.of(false, rollout("Progressing", 0, null, 0), List.of(), "new-revision workers"));
  }

  static RolloutStatus rollout(String phase, int step, String stepStartedAt, int draining) {
    RolloutStatus r = new RolloutStatus();
    r.setPhase(phase);
    r.setStep(step);
    r.setStepStartedAt(stepStartedAt);
    r.setDrainingOldWorkers(draining);
    r.setDrainingOldCalls(0);
    return r;
  }

  @ParameterizedTest
  @MethodSource("waits")
  void waitingFor(boolean paused, RolloutStatus r, List<CanaryStep> steps, String expected) {
    String said = DashboardView.waitingFor(paused, r, steps, NOW);
    if (expected == null) {
      assertThat(said).isNull();
    } else {
      assertThat(said).contains(expected);
    }
  }

  @Test
  void revisionsNewestFirstWithTheirImagesAndRoles() {
    List<RevisionRow> rows = page().revisions();
    assertThat(rows).extracting(RevisionRow::number).containsExactly(3L, 2L, 1L);
    assertThat(rows.get(0).rolledBack()).isTrue();
    assertThat(rows.get(0).images()).containsExactly("agent:bad");
    assertThat(rows.get(1).update()).isTrue();
    assertThat(rows.get(1).current()).isFalse();
    assertThat(rows.get(2).current()).isTrue();
    assertThat(rows.get(2).stable()).isTrue();
    assertThat(rows.get(2).created()).isEqualTo(NOW.minusSeconds(3600));
  }

  @Test
  void jobOutcomesByRevisionFromTheWorkersThatCountThem() {
    assertThat(page().jobs())
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.revision()).isEqualTo("old");
              assertThat(j.succeeded()).isEqualTo(14);
              assertThat(j.failed()).isEqualTo(1);
              assertThat(j.failureRatio()).isEqualTo(1 / 15.0);
            });
  }

  @Test
  void theJsonCarriesNoValueOfTheTemplateNorTheCredentials() throws Exception {
    String json = DashboardResource.JSON.writeValueAsString(page());
    assertThat(json).contains("voice-a", "agent:old").doesNotContain(SECRET_VALUE);
    // the credentials Secret's name is fine to show, the env it feeds is not there at all
    assertThat(json).doesNotContain("OPENAI_API_KEY").doesNotContain("secretKeyRef");
  }
}
