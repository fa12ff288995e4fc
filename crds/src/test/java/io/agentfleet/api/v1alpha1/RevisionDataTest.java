package io.agentfleet.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionDataTest {

  private static final PodTemplateSpec TEMPLATE =
      new PodTemplateSpecBuilder()
          .withNewMetadata()
          .addToLabels("app", "voice")
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("agent")
          .withImage("agent:1")
          .endContainer()
          .withTerminationGracePeriodSeconds(30L)
          .endSpec()
          .build();

  @Test
  void whatTheOperatorWritesTheCliReadsBack() {
    Map<String, Object> data = RevisionData.of(TEMPLATE);
    assertThat(RevisionData.template(data)).contains(TEMPLATE);
    // As the API server returns it: JSON, read back untyped.
    Object fromServer = Serialization.unmarshal(Serialization.asJson(data), Map.class);
    assertThat(RevisionData.template(fromServer)).contains(TEMPLATE);
    assertThat(RevisionData.templateTree(fromServer).orElseThrow().path("spec").path("containers"))
        .hasSize(1);
  }

  @Test
  void aRevisionWithoutATemplateHasNone() {
    assertThat(RevisionData.template(null)).isEmpty();
    assertThat(RevisionData.template(Map.of())).isEmpty();
    assertThat(RevisionData.template(Map.of("spec", Map.of()))).isEmpty();
    assertThat(RevisionData.templateTree(Map.of("spec", Map.of("replicas", 1)))).isEmpty();
  }

  @Test
  void specDefaultsAreResolvedWhereTheSchemaWouldHaveFilledThemIn() {
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setDrain(null);
    spec.setWorkerStatus(null);
    spec.setProgressDeadlineSeconds(null);
    spec.setRevisionHistoryLimit(null);
    assertThat(spec.drainTimeoutSeconds()).isEqualTo(Drain.DEFAULT_TIMEOUT_SECONDS);
    assertThat(spec.workerStatusPort()).isEqualTo(WorkerStatusEndpoint.DEFAULT_PORT);
    assertThat(spec.workerStatusFormat()).isEqualTo(WorkerStatusFormat.AUTO);
    assertThat(spec.progressDeadline()).isEqualTo(600);
    assertThat(spec.historyLimit()).isEqualTo(10);

    spec.setProgressDeadlineSeconds(30);
    spec.setRevisionHistoryLimit(0);
    assertThat(spec.progressDeadline()).isEqualTo(30);
    assertThat(spec.historyLimit()).isZero();
  }

  @Test
  void aPhaseMatchesOnlyItsOwnName() {
    assertThat(RolloutPhase.Paused.is("Paused")).isTrue();
    assertThat(RolloutPhase.Paused.is(null)).isFalse();
    assertThat(RolloutPhase.Paused.is("paused")).isFalse();
  }
}
