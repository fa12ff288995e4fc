package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The PodDisruptionBudget of a deployment's busy workers. The operator removes workers by deleting
 * their pods (a drain), which a budget does not stop; a cluster's node drain evicts them, which it
 * does. Workers with calls carry {@value #BUSY}=true (written with the safe-to-evict annotation,
 * from the same status report), and the budget allows none of them to be evicted: {@code kubectl
 * drain} and node upgrades wait until they are idle, and take idle workers at once.
 *
 * <p>Opt-out: {@code spec.disruptionBudget.enabled: false}. The budget is then written to allow
 * every eviction rather than deleted, so the operator needs no delete right on budgets; it goes
 * with the deployment through its owner reference.
 */
public final class DisruptionBudgets {

  /** On worker pods: "true" while the worker reports calls, "false" when it reports none. */
  public static final String BUSY = AgentDeploymentLabels.RESERVED_PREFIX + "busy";

  private final KubernetesClient client;

  public DisruptionBudgets(KubernetesClient client) {
    this.client = client;
  }

  /** The budget as it should be; a pure function of the deployment. */
  public static PodDisruptionBudget desired(AgentDeployment deployment) {
    String name = deployment.getMetadata().getName();
    Map<String, String> selector = new LinkedHashMap<>(AgentDeploymentLabels.of(name));
    selector.put(BUSY, "true");
    boolean enabled = deployment.getSpec().disruptionBudgetEnabled();
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(name + "-busy")
        .withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(AgentDeploymentLabels.of(name))
        .withOwnerReferences(WorkerLabels.controllerReference(deployment))
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withMaxUnavailable(enabled ? new IntOrString(0) : new IntOrString("100%"))
        .endSpec()
        .build();
  }

  /**
   * Server-side apply when the budget is missing or differs from what it should be. The current one
   * comes from the operator's informer, which also wakes the deployment when somebody changes or
   * deletes it, so an unchanged fleet writes nothing and a deleted budget comes back.
   */
  public void apply(AgentDeployment deployment, Optional<PodDisruptionBudget> current) {
    PodDisruptionBudget budget = desired(deployment);
    if (current.isPresent() && same(current.get(), budget)) {
      return;
    }
    try {
      client
          .resource(budget)
          .fieldManager("agentfleet-operator")
          .forceConflicts()
          .serverSideApply();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // A real API server creates an absent object on apply; the Fabric8 mock server (the
      // operator's fast test tier) answers 404 instead.
      client.resource(budget).create();
    }
  }

  /** What this operator sets: the spec and the owner; anything else is somebody else's. */
  static boolean same(PodDisruptionBudget current, PodDisruptionBudget desired) {
    return Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector())
        && Objects.equals(
            current.getSpec().getMaxUnavailable(), desired.getSpec().getMaxUnavailable())
        && current.getSpec().getMinAvailable() == null
        && owners(current).equals(owners(desired));
  }

  private static java.util.Set<String> owners(PodDisruptionBudget budget) {
    return budget.getMetadata().getOwnerReferences().stream()
        .map(o -> o.getUid())
        .collect(java.util.stream.Collectors.toSet());
  }
}
