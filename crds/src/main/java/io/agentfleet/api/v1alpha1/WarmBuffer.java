package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the autoscaler sizes the spare capacity it keeps on top of demand. */
public enum WarmBuffer {
  /** {@code idleWorkers} workers, whatever the traffic. */
  @JsonProperty("Fixed")
  FIXED,
  /**
   * Room for the calls that can arrive while a new worker starts: the largest rise in calls seen
   * over any stretch as long as the measured worker start-up, in the last ten minutes, plus its
   * square root; never fewer than {@code idleWorkers} workers.
   */
  @JsonProperty("Measured")
  MEASURED
}
