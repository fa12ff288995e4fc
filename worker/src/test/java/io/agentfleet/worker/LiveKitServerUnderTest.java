package io.agentfleet.worker;

import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.controlplane.LiveKitServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * The real {@code livekit-server} (single node, no Redis) as a child process on free loopback
 * ports. What it has no API for is read from its log ({@link LiveKitLog}): {@code worker
 * registered} is logged once the worker can be offered jobs, {@code closing worker} once it is
 * dropped, {@code job ended} when it applies a job's end status.
 */
public final class LiveKitServerUnderTest implements ServerUnderTest {
  private final LiveKitServer server;
  private final LiveKitLog log;

  private LiveKitServerUnderTest(LiveKitServer server) {
    this.server = server;
    this.log = new LiveKitLog(server.log());
  }

  static LiveKitServerUnderTest start(Path workdir, String host, List<URI> webhooks)
      throws Exception {
    return new LiveKitServerUnderTest(
        LiveKitServer.start(
            LiveKitServer.Options.in(workdir, KEY, SECRET)
                .withAddresses(host, host)
                .withWebhooks(webhooks.stream().map(URI::toString).toList())));
  }

  @Override
  public Kind kind() {
    return Kind.LIVEKIT_SERVER;
  }

  @Override
  public String url() {
    return server.url();
  }

  @Override
  public String httpUrl() {
    return server.httpUrl();
  }

  @Override
  public void restart() throws Exception {
    server.stop();
    // Before the new process starts: a worker may register again before restart() returns.
    log.startOver();
    server.restart();
  }

  @Override
  public boolean registered(String workerId) {
    return log.find("worker registered", e -> e.field("workerID").equals(workerId)).isPresent();
  }

  @Override
  public boolean gone(String workerId) {
    return log.find("closing worker", e -> e.field("workerID").equals(workerId)).isPresent();
  }

  @Override
  public Optional<JobState> reportedEnd(String jobId) {
    return log.find("job ended", e -> e.field("jobID").equals(jobId))
        .map(
            e ->
                JobState.newBuilder()
                    .setStatus(JobStatus.valueOf(e.field("status")))
                    .setError(e.field("error"))
                    .build());
  }

  /**
   * Reads the decision from the log: {@code assigned job to worker} for the dispatch's room and
   * agent, or one of the ways it gives up: no AVAILABLE worker left (after refusals), no worker of
   * that name known, or (when its cached list of agent names still names a worker that is gone) a
   * job request nobody answered, which the log does not tie to a room: it must follow the dispatch.
   */
  @Override
  public boolean awaitPlacementDecision(AgentDispatch dispatch) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Boolean> decision = decision(dispatch);
      if (decision.isPresent()) {
        return decision.get();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "livekit-server logged no decision about dispatch "
            + dispatch.getId()
            + " in 15 s\n"
            + diagnostics());
  }

  private Optional<Boolean> decision(AgentDispatch dispatch) {
    boolean dispatched = false;
    for (LiveKitLog.Entry e : log.entries()) {
      boolean sameRoom = e.field("room").equals(dispatch.getRoom());
      boolean sameAgent = e.field("agentName").equals(dispatch.getAgentName());
      switch (e.message()) {
        case "API AgentDispatchService.CreateDispatch" -> dispatched |= sameRoom;
        case "assigned job to worker" -> {
          if (sameRoom && sameAgent) {
            return Optional.of(true);
          }
        }
        case "no worker available to handle job",
            "not dispatching agent job since no worker is available" -> {
          if (sameRoom && sameAgent) {
            return Optional.of(false);
          }
        }
        case "failed to send job request" -> {
          if (dispatched && sameAgent) {
            return Optional.of(false);
          }
        }
        default -> {
          // not about placing jobs
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String diagnostics() {
    try {
      List<String> lines = Files.readAllLines(server.log());
      return "last lines of "
          + server.log()
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (Exception e) {
      return "see " + server.log();
    }
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "livekit-server at " + server.url() + " (log " + server.log() + ")";
  }
}
