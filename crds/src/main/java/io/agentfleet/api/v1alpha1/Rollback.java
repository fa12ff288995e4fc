package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Rollback {

  @JsonPropertyDescription(
      "Put the last stable template back when a new revision misses its progress deadline,"
          + " crash-loops, does not register with LiveKit, or fails too many calls.")
  @Default("false")
  private Boolean automatic = false;

  @JsonPropertyDescription("Share of the new revision's finished calls that may fail.")
  @Min(0)
  @Max(1.0)
  @Default("0.2")
  private Double maxJobFailureRatio = 0.2;

  @JsonPropertyDescription("Finished calls on the new revision before the ratio is judged.")
  @Min(1)
  @Default("5")
  private Integer minJobs = 5;

  public Boolean getAutomatic() {
    return automatic;
  }

  public void setAutomatic(Boolean automatic) {
    this.automatic = automatic;
  }

  public Double getMaxJobFailureRatio() {
    return maxJobFailureRatio;
  }

  public void setMaxJobFailureRatio(Double maxJobFailureRatio) {
    this.maxJobFailureRatio = maxJobFailureRatio;
  }

  public Integer getMinJobs() {
    return minJobs;
  }

  public void setMinJobs(Integer minJobs) {
    this.minJobs = minJobs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rollback r
        && Objects.equals(automatic, r.automatic)
        && Objects.equals(maxJobFailureRatio, r.maxJobFailureRatio)
        && Objects.equals(minJobs, r.minJobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(automatic, maxJobFailureRatio, minJobs);
  }
}
