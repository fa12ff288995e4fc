package io.agentfleet.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server-side apply of a status, as the operator writes it, against the committed CRD: its
 * conditions are a list keyed by type, so a second apply replaces a condition instead of adding.
 */
@ExtendWith(TestControlPlane.class)
class ServerSideApplyTest {

  @Test
  void aStatusAppliedTwiceKeepsOneOfEachCondition(ControlPlane plane) {
    var deployments = TestControlPlane.namespace(plane, "ssa").resources(AgentDeployment.class);
    deployments.resource(SampleAgent.deployment("ssa", "ws://127.0.0.1:7880", 1)).create();

    for (String message : List.of("0 of 1 workers ready", "1 of 1 workers ready")) {
      AgentDeployment d = deployments.withName("ssa").get();
      AgentDeploymentStatus status = new AgentDeploymentStatus();
      status.setConditions(List.of(condition(ConditionType.AVAILABLE, message)));
      d.setStatus(status);
      d.getMetadata().setManagedFields(null);
      deployments
          .resource(d)
          .subresource("status")
          .patch(
              new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                  .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.SERVER_SIDE_APPLY)
                  .withFieldManager("agentfleet")
                  .withForce(true)
                  .build(),
              d);
    }

    List<Condition> conditions = deployments.withName("ssa").get().getStatus().getConditions();
    assertThat(conditions)
        .extracting(Condition::getMessage)
        .containsExactly("1 of 1 workers ready");
  }

  private static Condition condition(String type, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason("Test")
        .withMessage(message)
        .withLastTransitionTime("2026-11-25T16:00:00Z")
        .build();
  }
}
