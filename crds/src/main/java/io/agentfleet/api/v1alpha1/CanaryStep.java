package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.setWeight) != has(self.pause)",
    message = "each canary step is either setWeight or pause")
public class CanaryStep {

  @JsonPropertyDescription("Percentage of workers on the new revision.")
  @Min(0)
  @Max(100)
  private Integer setWeight;

  @JsonPropertyDescription("Wait: for `seconds`, or, with no seconds, until promoted.")
  private Pause pause;

  public CanaryStep() {}

  public static CanaryStep weight(int percent) {
    CanaryStep s = new CanaryStep();
    s.setWeight = percent;
    return s;
  }

  public static CanaryStep pause(Integer seconds) {
    CanaryStep s = new CanaryStep();
    s.pause = new Pause(seconds);
    return s;
  }

  public Integer getSetWeight() {
    return setWeight;
  }

  public void setSetWeight(Integer setWeight) {
    this.setWeight = setWeight;
  }

  public Pause getPause() {
    return pause;
  }

  public void setPause(Pause pause) {
    this.pause = pause;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CanaryStep c
        && Objects.equals(setWeight, c.setWeight)
        && Objects.equals(pause, c.pause);
  }

  @Override
  public int hashCode() {
    return Objects.hash(setWeight, pause);
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pause {
    @JsonPropertyDescription("Seconds to wait; absent means wait for promote.")
    @Min(0)
    private Integer seconds;

    public Pause() {}

    public Pause(Integer seconds) {
      this.seconds = seconds;
    }

    public Integer getSeconds() {
      return seconds;
    }

    public void setSeconds(Integer seconds) {
      this.seconds = seconds;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pause p && Objects.equals(seconds, p.seconds);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(seconds);
    }
  }
}
