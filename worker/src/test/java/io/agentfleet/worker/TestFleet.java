package io.agentfleet.worker;

import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.DevServer;
import io.agentfleet.devserver.agent.Worker;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.builtin.HoldAgent;
import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import io.livekit.server.AgentDispatchServiceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A devserver on a free port plus in-process workers connected to it, torn down together.
 * Dispatches go through the LiveKit Kotlin SDK's Twirp client, as a real backend would create them.
 */
final class TestFleet implements AutoCloseable, AfterEachCallback {
  static final String KEY = "devkey";
  static final String SECRET = "secret";

  private DevServer server;
  private final List<AgentWorker> workers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  TestFleet() throws Exception {
    server = DevServer.start(DevServer.Config.dev().withPort(0));
  }

  /**
   * A fleet for one test method, closed after it: {@code @RegisterExtension final TestFleet fleet =
   * TestFleet.perTest();}
   */
  static TestFleet perTest() {
    try {
      return new TestFleet();
    } catch (Exception e) {
      throw new IllegalStateException("the devserver did not start", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  DevServer server() {
    return server;
  }

  /** Stops the devserver and starts a fresh one (no memory of workers or jobs) on the same port. */
  void restartServer() throws Exception {
    int port = server.port();
    server.close();
    server = DevServer.start(DevServer.Config.dev().withPort(port));
  }

  WorkerConfig.Builder config(String agentName) {
    return WorkerConfig.builder(server.url(), KEY, SECRET)
        .agentName(agentName)
        .loadFunction(LoadFunction.JOBS)
        .loadThreshold(1.0)
        .http("127.0.0.1", 0)
        .statusInterval(Duration.ofMillis(200))
        .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
  }

  AgentWorker startWorker(String agentName, UnaryOperator<WorkerConfig.Builder> tweak)
      throws Exception {
    return startWorker(agentName, tweak, new HoldAgent());
  }

  AgentWorker startWorker(String agentName, UnaryOperator<WorkerConfig.Builder> tweak, Agent agent)
      throws Exception {
    AgentWorker worker = new AgentWorker(tweak.apply(config(agentName)).build(), agent);
    workers.add(worker);
    worker.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.info().registered() && devWorker(worker).isPresent());
    return worker;
  }

  Optional<Worker> devWorker(AgentWorker worker) {
    return server.workers().byId(worker.info().workerId());
  }

  AgentDispatch dispatch(String room, String agentName, String metadata) throws Exception {
    AgentDispatchServiceClient client =
        AgentDispatchServiceClient.createClient(server.httpUrl(), KEY, SECRET);
    return client.createDispatch(room, agentName, metadata).execute().body();
  }

  void deleteDispatch(String room, String dispatchId) throws Exception {
    AgentDispatchServiceClient.createClient(server.httpUrl(), KEY, SECRET)
        .deleteDispatch(room, dispatchId)
        .execute();
  }

  /** The job the devserver created for a dispatch, once one was placed. */
  Optional<Job> jobOf(AgentDispatch dispatch) {
    return server.jobs().jobs().stream()
        .filter(j -> j.getDispatchId().equals(dispatch.getId()))
        .findFirst();
  }

  HttpResponse<String> get(AgentWorker worker, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    for (AgentWorker w : workers) {
      w.close();
    }
    server.close();
  }
}
