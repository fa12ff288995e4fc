package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum StrategyType {
  @JsonProperty("RollingUpdate")
  ROLLING_UPDATE,
  @JsonProperty("Canary")
  CANARY
}
