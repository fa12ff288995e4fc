package io.agentfleet.worker.config;

import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import java.net.URI;
import java.time.Duration;
import livekit.LivekitAgent.JobType;

/**
 * Everything a worker needs to run. Built by {@code WorkerMain} from the LiveKit SDKs' environment
 * variables and flags, or by tests with {@link #builder}.
 *
 * @param url the LiveKit server, e.g. {@code ws://127.0.0.1:7880} ({@code LIVEKIT_URL})
 * @param agentName empty for automatic dispatch ({@code LIVEKIT_AGENT_NAME})
 * @param maxJobs jobs run at once; also the size of the job thread pool
 * @param loadThreshold load at or above which the worker reports FULL and refuses jobs
 * @param httpPort port of the status server; 0 picks a free one, negative disables it
 * @param drainTimeout how long SIGTERM waits for running jobs
 * @param statusInterval how often load and status are reported to LiveKit
 */
public record WorkerConfig(
    URI url,
    String apiKey,
    String apiSecret,
    String agentName,
    JobType jobType,
    int maxJobs,
    double loadThreshold,
    LoadFunction loadFunction,
    String httpHost,
    int httpPort,
    Duration drainTimeout,
    Duration statusInterval,
    Backoff backoff) {

  public WorkerConfig {
    if (maxJobs < 1) {
      throw new IllegalArgumentException("max jobs must be at least 1");
    }
    if (apiKey == null || apiKey.isBlank() || apiSecret == null || apiSecret.isBlank()) {
      throw new IllegalArgumentException("LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required");
    }
    String scheme = url.getScheme();
    if (scheme == null || !scheme.matches("wss?|https?")) {
      throw new IllegalArgumentException("LIVEKIT_URL must be ws://, wss://, http:// or https://");
    }
  }

  /**
   * Everything but the secret, which a record would print and which then ends up in logs: the API
   * secret is replaced, and so is any password in the URL's user info.
   */
  @Override
  public String toString() {
    return "WorkerConfig[url="
        + redacted(url)
        + ", apiKey="
        + apiKey
        + ", apiSecret=<redacted>, agentName="
        + agentName
        + ", jobType="
        + jobType
        + ", maxJobs="
        + maxJobs
        + ", loadThreshold="
        + loadThreshold
        + ", loadFunction="
        + loadFunction
        + ", httpHost="
        + httpHost
        + ", httpPort="
        + httpPort
        + ", drainTimeout="
        + drainTimeout
        + ", statusInterval="
        + statusInterval
        + ", backoff="
        + backoff
        + "]";
  }

  private static String redacted(URI url) {
    if (url == null || url.getRawUserInfo() == null) {
      return String.valueOf(url);
    }
    return url.toString().replace(url.getRawUserInfo() + "@", "<redacted>@");
  }

  /** The agent socket: {@code http} becomes {@code ws}, and {@code agent} is added to the path. */
  public URI agentUri() {
    String scheme =
        switch (url.getScheme()) {
          case "http" -> "ws";
          case "https" -> "wss";
          default -> url.getScheme();
        };
    String path = url.getPath() == null ? "" : url.getPath();
    path = path.endsWith("/") ? path + "agent" : path + "/agent";
    return URI.create(scheme + "://" + url.getRawAuthority() + path);
  }

  /** The same configuration pointed at another LiveKit server. */
  public WorkerConfig withUrl(String newUrl) {
    return new WorkerConfig(
        URI.create(newUrl),
        apiKey,
        apiSecret,
        agentName,
        jobType,
        maxJobs,
        loadThreshold,
        loadFunction,
        httpHost,
        httpPort,
        drainTimeout,
        statusInterval,
        backoff);
  }

  public static Builder builder(String url, String apiKey, String apiSecret) {
    return new Builder(url, apiKey, apiSecret);
  }

  /** Defaults match a production worker: 8 jobs, threshold 0.7, status every 2.5 s. */
  public static final class Builder {
    private final String url;
    private final String apiKey;
    private final String apiSecret;
    private String agentName = "";
    private JobType jobType = JobType.JT_ROOM;
    private int maxJobs = 8;
    private double loadThreshold = 0.7;
    private LoadFunction loadFunction = LoadFunction.MAX;
    private String httpHost = "0.0.0.0";
    private int httpPort = 8081;
    private Duration drainTimeout = Duration.ofHours(1);
    private Duration statusInterval = Duration.ofMillis(2500);
    private Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

    private Builder(String url, String apiKey, String apiSecret) {
      this.url = url;
      this.apiKey = apiKey;
      this.apiSecret = apiSecret;
    }

    public Builder agentName(String v) {
      agentName = v == null ? "" : v;
      return this;
    }

    public Builder jobType(JobType v) {
      jobType = v;
      return this;
    }

    public Builder maxJobs(int v) {
      maxJobs = v;
      return this;
    }

    public Builder loadThreshold(double v) {
      loadThreshold = v;
      return this;
    }

    public Builder loadFunction(LoadFunction v) {
      loadFunction = v;
      return this;
    }

    public Builder http(String host, int port) {
      httpHost = host;
      httpPort = port;
      return this;
    }

    public Builder drainTimeout(Duration v) {
      drainTimeout = v;
      return this;
    }

    public Builder statusInterval(Duration v) {
      statusInterval = v;
      return this;
    }

    public Builder backoff(Backoff v) {
      backoff = v;
      return this;
    }

    public WorkerConfig build() {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("LIVEKIT_URL is required");
      }
      return new WorkerConfig(
          URI.create(url),
          apiKey,
          apiSecret,
          agentName,
          jobType,
          maxJobs,
          loadThreshold,
          loadFunction,
          httpHost,
          httpPort,
          drainTimeout,
          statusInterval,
          backoff);
    }
  }
}
