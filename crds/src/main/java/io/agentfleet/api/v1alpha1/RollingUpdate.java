package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollingUpdate {

  @JsonPropertyDescription(
      "New-revision workers started ahead of draining old ones: a count (\"2\") or a percentage"
          + " of the desired workers (\"25%\"), rounded up. At least 1.")
  @Pattern("^([0-9]+|[0-9]+%)$")
  private String maxSurge = "25%";

  public RollingUpdate() {}

  public RollingUpdate(String maxSurge) {
    this.maxSurge = maxSurge;
  }

  public String getMaxSurge() {
    return maxSurge;
  }

  public void setMaxSurge(String maxSurge) {
    this.maxSurge = maxSurge;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RollingUpdate r && Objects.equals(maxSurge, r.maxSurge);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(maxSurge);
  }
}
