package io.agentfleet.worker;

import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.DevServer;
import io.agentfleet.devserver.agent.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/** The in-process devserver, whose own tables answer the observations. */
public final class DevServerUnderTest implements ServerUnderTest {
  private final DevServer.Config config;
  private DevServer server;

  private DevServerUnderTest(DevServer.Config config) throws Exception {
    this.config = config;
    this.server = DevServer.start(config);
  }

  static DevServerUnderTest start() throws Exception {
    return start("127.0.0.1", List.of());
  }

  static DevServerUnderTest start(String host, List<URI> webhooks) throws Exception {
    DevServer.Config dev = DevServer.Config.dev();
    return new DevServerUnderTest(
        new DevServer.Config(
            host,
            0,
            Map.of(KEY, SECRET),
            dev.registrationTimeout(),
            dev.availabilityTimeout(),
            webhooks));
  }

  /** The devserver itself, for the tests that look at what only it shows. */
  public DevServer devServer() {
    return server;
  }

  /**
   * The devserver's record of a worker (status, load, version), which the real server keeps to
   * itself.
   */
  public Optional<Worker> worker(String workerId) {
    return server.workers().byId(workerId);
  }

  @Override
  public Kind kind() {
    return Kind.DEVSERVER;
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
    int port = server.port();
    server.close();
    server = DevServer.start(config.withPort(port));
  }

  @Override
  public boolean registered(String workerId) {
    return server.workers().byId(workerId).isPresent();
  }

  @Override
  public boolean gone(String workerId) {
    return server.workers().byId(workerId).isEmpty();
  }

  @Override
  public Optional<JobState> reportedEnd(String jobId) {
    return server
        .jobs()
        .job(jobId)
        .map(j -> j.getState())
        .filter(s -> s.getStatus() == JobStatus.JS_SUCCESS || s.getStatus() == JobStatus.JS_FAILED);
  }

  /**
   * The devserver offers a job the moment the dispatch is made and logs its decision only to the
   * console, so this gives its offer loop half a second, as the tests always have.
   */
  @Override
  public boolean awaitPlacementDecision(AgentDispatch dispatch) {
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    return !server.jobs().jobsOfDispatch(dispatch.getId()).isEmpty();
  }

  @Override
  public String diagnostics() {
    return "devserver workers " + server.workers().all().size() + ", jobs " + server.jobs().jobs();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("the devserver did not stop", e);
    }
  }

  @Override
  public String toString() {
    return "devserver at " + server.url();
  }
}
