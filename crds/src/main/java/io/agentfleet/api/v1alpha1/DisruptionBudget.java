package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/**
 * The PodDisruptionBudget that keeps a cluster's node drains (the eviction API) off workers with
 * calls, alongside the cluster-autoscaler's safe-to-evict annotation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisruptionBudget {

  @JsonPropertyDescription(
      "A PodDisruptionBudget <name>-busy with maxUnavailable 0 over the workers that have calls"
          + " (label agentfleet.io/busy=true), so evictions (kubectl drain, node upgrades) wait"
          + " for them and take idle workers freely. Set false to manage disruption yourself.")
  @Default("true")
  private Boolean enabled = true;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisruptionBudget d && Objects.equals(enabled, d.enabled);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(enabled);
  }
}
