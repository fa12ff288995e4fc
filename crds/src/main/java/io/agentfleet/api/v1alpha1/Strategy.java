package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.type) || self.type != 'Canary' || (has(self.canary) && has(self.canary.steps)"
            + " && size(self.canary.steps) > 0)",
    message = "strategy.canary.steps must list at least one step when type is Canary")
// Steps under a RollingUpdate strategy would be ignored without a word; the rolling update's
// maxSurge, on the other hand, also paces a canary.
@ValidationRule(
    value = "!has(self.canary) || (has(self.type) && self.type == 'Canary')",
    message = "strategy.canary is only used when strategy.type is Canary")
public class Strategy {

  @JsonPropertyDescription(
      "RollingUpdate: start new-revision workers first, then drain old ones. Canary: move a share"
          + " of workers to the new revision step by step.")
  @Default("RollingUpdate")
  private StrategyType type = StrategyType.ROLLING_UPDATE;

  private RollingUpdate rollingUpdate;

  private Canary canary;

  public StrategyType getType() {
    return type;
  }

  public void setType(StrategyType type) {
    this.type = type;
  }

  public RollingUpdate getRollingUpdate() {
    return rollingUpdate;
  }

  public void setRollingUpdate(RollingUpdate rollingUpdate) {
    this.rollingUpdate = rollingUpdate;
  }

  public Canary getCanary() {
    return canary;
  }

  public void setCanary(Canary canary) {
    this.canary = canary;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Strategy s
        && Objects.equals(type, s.type)
        && Objects.equals(rollingUpdate, s.rollingUpdate)
        && Objects.equals(canary, s.canary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, rollingUpdate, canary);
  }
}
