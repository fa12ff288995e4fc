package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingRules {

  @JsonPropertyDescription(
      "Seconds of recommendations to look back on (HPA semantics): scale up only to the lowest"
          + " recommendation of the window, down only to the highest.")
  @Min(0)
  @Max(3600)
  private Integer stabilizationSeconds;

  @JsonPropertyDescription("Most workers added (or removed) per minute; 0 means no limit.")
  @Min(0)
  private Integer maxWorkersPerMinute;

  public ScalingRules() {}

  public ScalingRules(Integer stabilizationSeconds, Integer maxWorkersPerMinute) {
    this.stabilizationSeconds = stabilizationSeconds;
    this.maxWorkersPerMinute = maxWorkersPerMinute;
  }

  public Integer getStabilizationSeconds() {
    return stabilizationSeconds;
  }

  public void setStabilizationSeconds(Integer stabilizationSeconds) {
    this.stabilizationSeconds = stabilizationSeconds;
  }

  public Integer getMaxWorkersPerMinute() {
    return maxWorkersPerMinute;
  }

  public void setMaxWorkersPerMinute(Integer maxWorkersPerMinute) {
    this.maxWorkersPerMinute = maxWorkersPerMinute;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalingRules r
        && Objects.equals(stabilizationSeconds, r.stabilizationSeconds)
        && Objects.equals(maxWorkersPerMinute, r.maxWorkersPerMinute);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stabilizationSeconds, maxWorkersPerMinute);
  }
}
