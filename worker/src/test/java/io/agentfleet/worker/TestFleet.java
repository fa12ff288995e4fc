package io.agentfleet.worker;

import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.DevServer;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import retrofit2.Response;

/**
 * In-process workers connected to a {@link ServerUnderTest}, closed together. Dispatches go through
 * the LiveKit Kotlin SDK's Twirp client and jobs are observed through {@code ListDispatch}, as a
 * backend would; what no API shows comes from {@link ServerUnderTest}.
 *
 * <p>A server may serve several tests one after another ({@link OnBothServers}), so each fleet
 * gives its rooms a suffix of its own ({@link #room}) and, when closed, waits until the server has
 * dropped its workers.
 */
final class TestFleet implements AutoCloseable, AfterEachCallback {
  static final String KEY = ServerUnderTest.KEY;
  static final String SECRET = ServerUnderTest.SECRET;
  private static final AtomicInteger FLEETS = new AtomicInteger();

  private final ServerUnderTest server;
  private final boolean ownsServer;
  private final String suffix = "f" + FLEETS.incrementAndGet();
  private final List<AgentWorker> workers = new ArrayList<>();
  private final Set<String> workerIds = new LinkedHashSet<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private TestFleet(ServerUnderTest server, boolean ownsServer) {
    this.server = server;
    this.ownsServer = ownsServer;
  }

  /** A fleet on a server someone else closes. */
  static TestFleet on(ServerUnderTest server) {
    return new TestFleet(server, false);
  }

  /**
   * A fleet on a devserver of its own, both closed after the test method: {@code @RegisterExtension
   * final TestFleet fleet = TestFleet.perTest();}. For the tests that are about the devserver.
   */
  static TestFleet perTest() {
    try {
      return new TestFleet(DevServerUnderTest.start(), true);
    } catch (Exception e) {
      throw new IllegalStateException("the devserver did not start", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  ServerUnderTest server() {
    return server;
  }

  /** The devserver, for tests that only run against it. */
  DevServer devServer() {
    if (server instanceof DevServerUnderTest dev) {
      return dev.devServer();
    }
    throw new IllegalStateException("not a devserver: " + server);
  }

  /** Stops the server and starts a fresh one (no memory of workers or jobs) on the same port. */
  void restartServer() throws Exception {
    server.restart();
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
    awaitRegistered(worker);
    return worker;
  }

  /**
   * Waits until the worker has its id and the server can offer it jobs. The real server answers the
   * registration a moment before it files the worker under its agent name; a dispatch in between
   * would find no worker.
   */
  String awaitRegistered(AgentWorker worker) {
    awaitServer(
        "worker " + worker.info().agentName() + " registered",
        Duration.ofSeconds(10),
        () -> worker.info().registered() && server.registered(worker.info().workerId()));
    String id = worker.info().workerId();
    synchronized (workerIds) {
      workerIds.add(id);
    }
    return id;
  }

  /** The same for a worker in another process, known by the id its status endpoint reports. */
  void awaitRegistered(String workerId) {
    awaitServer(
        "worker " + workerId + " registered",
        Duration.ofSeconds(10),
        () -> server.registered(workerId));
    synchronized (workerIds) {
      workerIds.add(workerId);
    }
  }

  /** This test's name for a room: the name with the fleet's suffix. */
  String room(String name) {
    return name + "-" + suffix;
  }

  /** Creates a dispatch in {@link #room}{@code (room)}; fails on an API error. */
  AgentDispatch dispatch(String room, String agentName, String metadata) throws Exception {
    return body(
        "CreateDispatch",
        dispatchClient().createDispatch(room(room), agentName, metadata).execute());
  }

  void deleteDispatch(AgentDispatch dispatch) throws Exception {
    body(
        "DeleteDispatch",
        dispatchClient().deleteDispatch(dispatch.getRoom(), dispatch.getId()).execute());
  }

  /** The dispatches of a room (its full name), as {@code ListDispatch} returns them. */
  List<AgentDispatch> dispatches(String fullRoomName) throws Exception {
    return body("ListDispatch", dispatchClient().listDispatch(fullRoomName).execute());
  }

  /**
   * The job placed for a dispatch as {@code ListDispatch} shows it, once one was placed. The
   * devserver shows its live state; the real server the state of the assignment (RUNNING, worker,
   * identity), so a job's end is read with {@link #endOf}.
   */
  Optional<Job> jobOf(AgentDispatch dispatch) throws Exception {
    return dispatches(dispatch.getRoom()).stream()
        .filter(d -> d.getId().equals(dispatch.getId()))
        .flatMap(d -> d.getState().getJobsList().stream())
        .findFirst();
  }

  /** How the server recorded the end of the dispatch's job, once it has. */
  Optional<JobState> endOf(AgentDispatch dispatch) throws Exception {
    return jobOf(dispatch).flatMap(j -> server.reportedEnd(j.getId()));
  }

  /** Fails if the server places a job for the dispatch, once it has decided. */
  void assertNoJobPlaced(AgentDispatch dispatch) throws Exception {
    if (server.awaitPlacementDecision(dispatch) || jobOf(dispatch).isPresent()) {
      throw new AssertionError(
          "a job was placed for "
              + dispatch.getRoom()
              + ": "
              + jobOf(dispatch)
              + "\n"
              + server.diagnostics());
    }
  }

  HttpResponse<String> get(AgentWorker worker, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Like {@code await().until}, but a timeout says what the server saw. */
  void awaitServer(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      await().atMost(atMost).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          what + ": not within " + atMost + " on " + server + "\n" + server.diagnostics(), e);
    }
  }

  private AgentDispatchServiceClient dispatchClient() {
    return AgentDispatchServiceClient.createClient(server.httpUrl(), KEY, SECRET);
  }

  private static <T> T body(String call, Response<T> response) throws Exception {
    if (!response.isSuccessful() || response.body() == null) {
      try (var error = response.errorBody()) {
        throw new IllegalStateException(
            call
                + " failed: HTTP "
                + response.code()
                + " "
                + (error == null ? "" : error.string()));
      }
    }
    return response.body();
  }

  @Override
  public void close() throws Exception {
    for (AgentWorker w : workers) {
      String id = w.info().workerId();
      if (id != null && !id.isEmpty()) {
        synchronized (workerIds) {
          workerIds.add(id);
        }
      }
      w.close();
    }
    try {
      // The next test on a shared server must not be offered to a worker of this one.
      List<String> ids;
      synchronized (workerIds) {
        ids = workerIds.stream().filter(server::registered).toList();
      }
      for (String id : ids) {
        awaitServer("worker " + id + " dropped", Duration.ofSeconds(10), () -> server.gone(id));
      }
    } finally {
      if (ownsServer) {
        server.close();
      }
    }
  }
}
