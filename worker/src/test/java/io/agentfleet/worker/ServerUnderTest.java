package io.agentfleet.worker;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * The LiveKit server a worker test runs against: the in-process devserver or the real {@code
 * livekit-server}. Workers and clients reach both only through LiveKit's public protocols; this
 * type adds the few observations a test needs that no public API gives (is the worker registered,
 * has the server dropped it, how did the server record a job's end). The devserver answers them
 * from its own tables, the real server from its log.
 */
public sealed interface ServerUnderTest extends AutoCloseable
    permits DevServerUnderTest, LiveKitServerUnderTest {
  String KEY = "devkey";

  /** The real server refuses secrets shorter than 32 characters; the devserver takes any. */
  String SECRET = "agentfleet-worker-tests-secret-0123456789";

  public enum Kind {
    DEVSERVER("devserver"),
    LIVEKIT_SERVER("livekit-server");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }

    /**
     * Starts a fresh server of this kind on free loopback ports, with {@link #KEY} and {@link
     * #SECRET}; {@code purpose} names the real server's work folder.
     */
    public ServerUnderTest start(String purpose) throws Exception {
      return start(purpose, "127.0.0.1", List.of());
    }

    /**
     * The same on {@code host}, which is also the address announced for media (the media tests give
     * a network namespace's address: WebRTC ignores loopback), posting webhooks to {@code
     * webhooks}.
     */
    public ServerUnderTest start(String purpose, String host, List<URI> webhooks) throws Exception {
      return switch (this) {
        case DEVSERVER -> DevServerUnderTest.start(host, webhooks);
        case LIVEKIT_SERVER -> LiveKitServerUnderTest.start(workdir(purpose), host, webhooks);
      };
    }

    private static Path workdir(String purpose) throws Exception {
      Path base =
          Path.of(System.getProperty("agentfleet.livekit.workdir", "target/livekit-server"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, purpose + "-");
    }
  }

  Kind kind();

  /** Where workers and clients connect, e.g. {@code ws://127.0.0.1:7880}. */
  String url();

  /** Where the Twirp APIs are, e.g. {@code http://127.0.0.1:7880}. */
  String httpUrl();

  /** Stops the server and starts a fresh one on the same port that remembers nothing. */
  void restart() throws Exception;

  /** True once the server holds a registration for this worker id and can offer it jobs. */
  boolean registered(String workerId);

  /** True once the server has let go of this worker id (its socket closed). */
  boolean gone(String workerId);

  /**
   * The final state the server recorded for a job: the worker's {@code UpdateJobStatus} with an end
   * status ({@code JS_SUCCESS}/{@code JS_FAILED}, with the error), or the server's own end when it
   * terminated the job. Empty while the server has recorded no end.
   */
  Optional<JobState> reportedEnd(String jobId);

  /**
   * Waits until the server has decided whether to place a job for the dispatch, and says whether it
   * did. {@code ListDispatch} cannot tell "not yet" from "never" on the real server: it shows a job
   * only once the whole launch has finished, which waits for its 5 s agent-name lookup.
   */
  boolean awaitPlacementDecision(AgentDispatch dispatch);

  /** Where to look when a test fails: the server's log, or what the devserver offers instead. */
  String diagnostics();

  @Override
  void close();
}
