package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * Re-dispatch of a call whose worker died: the caller is still in the room, the agent left it
 * abnormally (its connection closed or timed out, not a leave), so the operator dispatches the same
 * agent to the room again, with metadata that says it is a resumption.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Redispatch {

  public static final int DEFAULT_MAX_ATTEMPTS = 2;

  @JsonPropertyDescription(
      "Dispatch the agent again to a room whose agent was lost (its worker died: OOM kill,"
          + " crash, node loss) while a caller is still there. Needs spec.agentName and LiveKit"
          + " webhooks pointed at the operator. Off by default.")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription(
      "Re-dispatches per room at most; a room whose agent is lost again after that is left alone.")
  @Min(1)
  @Max(10)
  @Default("2")
  private Integer maxAttempts = DEFAULT_MAX_ATTEMPTS;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(Integer maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Redispatch r
        && Objects.equals(enabled, r.enabled)
        && Objects.equals(maxAttempts, r.maxAttempts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, maxAttempts);
  }
}
