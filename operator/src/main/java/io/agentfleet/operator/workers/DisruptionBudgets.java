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
import java.util.concurrent.ConcurrentHashMap;

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

  /** Re-applied at most this often when unchanged, so a deleted budget comes back. */
  private static final long REAPPLY_NANOS = 60_000_000_000L;

  private record Applied(PodDisruptionBudget budget, long atNanos) {}

  private final KubernetesClient client;
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();

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
   * Server-side apply, skipped while what was last applied for this deployment is unchanged and
   * recent: the reconciler calls this on every pass.
   */
  public void apply(AgentDeployment deployment) {
    PodDisruptionBudget budget = desired(deployment);
    String uid = deployment.getMetadata().getUid();
    Applied last = uid == null ? null : applied.get(uid);
    long now = System.nanoTime();
    if (last != null && last.budget().equals(budget) && now - last.atNanos() < REAPPLY_NANOS) {
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
    if (uid != null) {
      applied.put(uid, new Applied(budget, now));
    }
  }
}
