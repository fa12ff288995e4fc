package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookPrescaling {

  @JsonPropertyDescription(
      "Regular expression of the room names whose webhooks count for this deployment; empty"
          + " matches every room.")
  @Size(max = 256)
  private String roomNamePattern = "";

  @JsonPropertyDescription(
      "Seconds a started room counts as an expected call before an agent joins it.")
  @Min(1)
  @Max(600)
  private Integer expectSeconds = 30;

  public WebhookPrescaling() {}

  public WebhookPrescaling(String roomNamePattern, Integer expectSeconds) {
    this.roomNamePattern = roomNamePattern;
    this.expectSeconds = expectSeconds;
  }

  public String getRoomNamePattern() {
    return roomNamePattern;
  }

  public void setRoomNamePattern(String roomNamePattern) {
    this.roomNamePattern = roomNamePattern;
  }

  public Integer getExpectSeconds() {
    return expectSeconds;
  }

  public void setExpectSeconds(Integer expectSeconds) {
    this.expectSeconds = expectSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookPrescaling w
        && Objects.equals(roomNamePattern, w.roomNamePattern)
        && Objects.equals(expectSeconds, w.expectSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(roomNamePattern, expectSeconds);
  }
}
