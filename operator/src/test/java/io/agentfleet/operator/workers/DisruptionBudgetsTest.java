package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.DisruptionBudget;
import io.agentfleet.operator.SampleDeployments;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

class DisruptionBudgetsTest {

  static AgentDeployment deployment() {
    AgentDeployment d = SampleDeployments.ourWorker("voice", 2, "worker:1");
    d.getMetadata().setNamespace("apps");
    d.getMetadata().setUid("uid-1");
    return d;
  }

  @Test
  void byDefaultNoBusyWorkerMayBeEvicted() {
    PodDisruptionBudget budget = DisruptionBudgets.desired(deployment());

    assertThat(budget.getMetadata().getName()).isEqualTo("voice-busy");
    assertThat(budget.getMetadata().getNamespace()).isEqualTo("apps");
    assertThat(budget.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .containsAllEntriesOf(AgentDeploymentLabels.of("voice"))
        .containsEntry(DisruptionBudgets.BUSY, "true");
    assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(0));
  }

  @Test
  void optedOutTheBudgetAllowsEveryEviction() {
    AgentDeployment d = deployment();
    DisruptionBudget off = new DisruptionBudget();
    off.setEnabled(false);
    d.getSpec().setDisruptionBudget(off);

    assertThat(DisruptionBudgets.desired(d).getSpec().getMaxUnavailable())
        .isEqualTo(new IntOrString("100%"));
  }
}
