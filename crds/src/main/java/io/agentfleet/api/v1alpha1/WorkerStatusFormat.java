package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum WorkerStatusFormat {
  @JsonProperty("auto")
  AUTO,
  /** Python {@code livekit-agents} and Node {@code @livekit/agents}. */
  @JsonProperty("livekit-agents")
  LIVEKIT_AGENTS,
  /** The Agentfleet Java worker, which reports more (status, draining, job outcomes). */
  @JsonProperty("agentfleet")
  AGENTFLEET
}
