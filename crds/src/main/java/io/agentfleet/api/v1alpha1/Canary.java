package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Canary {

  @JsonPropertyDescription(
      "Steps run in order: setWeight moves that percentage of workers to the new revision (LiveKit"
          + " spreads calls over available workers, so worker share is call share); pause waits"
          + " the given seconds, or until `kubectl agents rollout promote` when none. After the"
          + " last step the rollout completes at 100%.")
  @Size(max = 50)
  // A weight that goes down drains new-revision workers the canary just started (with their
  // calls finishing first) only to start them again later: almost always a typo such as 50 then 5.
  // Going back is what a rollback is for.
  @ValidationRule(
      value = "self.filter(s, has(s.setWeight)).map(s, s.setWeight).isSorted()",
      message = "canary setWeight steps must not decrease")
  private List<CanaryStep> steps = new ArrayList<>();

  public List<CanaryStep> getSteps() {
    return steps;
  }

  public void setSteps(List<CanaryStep> steps) {
    this.steps = steps;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Canary c && Objects.equals(steps, c.steps);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(steps);
  }
}
