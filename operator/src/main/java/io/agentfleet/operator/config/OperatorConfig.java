package io.agentfleet.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Operator-wide settings ({@code agentfleet.operator.*}, or AGENTFLEET_OPERATOR_* env vars). */
@ConfigMapping(prefix = "agentfleet.operator")
public interface OperatorConfig {

  /** Lease used for leader election. */
  @WithDefault("agentfleet-operator")
  String leaseName();

  /** How often every worker's status endpoint is read. */
  @WithDefault("1s")
  Duration statusPollInterval();

  /** A worker that does not answer within this is unknown for that round. */
  @WithDefault("800ms")
  Duration statusPollTimeout();

  /** Most status requests in flight at once, across all deployments. */
  @WithDefault("32")
  int statusPollConcurrency();

  /** How often an autoscaled deployment is re-evaluated when nothing else wakes it. */
  @WithDefault("5s")
  Duration autoscaleResync();

  Webhook webhook();

  interface Webhook {
    /** LiveKit API key whose secret signs the webhooks; unset disables the endpoint. */
    Optional<String> apiKey();

    Optional<String> apiSecret();
  }
}
