package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Drain {

  public static final int DEFAULT_TIMEOUT_SECONDS = 3600;
  public static final int MAX_TIMEOUT_SECONDS = 86400;

  @JsonPropertyDescription(
      "Seconds a worker that is being removed may keep serving its calls after SIGTERM (0 to"
          + " 86400). The pod's terminationGracePeriodSeconds is this plus 30.")
  @Min(0)
  @Max(MAX_TIMEOUT_SECONDS)
  @Default("3600")
  private Integer timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Drain d && Objects.equals(timeoutSeconds, d.timeoutSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(timeoutSeconds);
  }
}
