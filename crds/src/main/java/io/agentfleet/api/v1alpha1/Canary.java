package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
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
