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

  /**
   * How long a Lease holds without renewal: a standby replica takes over at most this long after
   * the leader died. Defaults as client-go's.
   */
  @WithDefault("15s")
  Duration leaseDuration();

  /**
   * The leader gives up (and exits, to be restarted) when it could not renew its Lease for this
   * long, e.g. while the API server is unreachable; shorter than the lease duration.
   */
  @WithDefault("10s")
  Duration leaseRenewDeadline();

  /** How often the Lease is renewed, and how often a standby replica tries to take it. */
  @WithDefault("2s")
  Duration leaseRetryPeriod();

  /** How often every worker's status endpoint is read. */
  @WithDefault("1s")
  Duration statusPollInterval();

  /**
   * A worker whose whole answer (headers and body) has not arrived within this is unknown for that
   * round.
   */
  @WithDefault("800ms")
  Duration statusPollTimeout();

  /**
   * A worker's report older than this counts as unknown, never as idle. Unset: three times the poll
   * interval plus the poll timeout (three rounds that each took as long as a round may).
   */
  Optional<Duration> statusReportMaxAge();

  /**
   * Whether the pod annotation {@code agentfleet.io/status-address} ("host:port") may redirect the
   * status poll away from the pod's own IP. Off by default: a user who may create an
   * AgentDeployment could otherwise make the cluster-wide operator request any address. Only a
   * cluster whose pods do not have their own IP (the sandbox, whose kubelet runs pods as local
   * processes) turns it on.
   */
  @WithDefault("false")
  boolean statusAddressAnnotation();

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
