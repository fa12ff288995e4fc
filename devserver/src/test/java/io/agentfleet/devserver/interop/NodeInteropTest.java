package io.agentfleet.devserver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.devserver.agent.ProtocolClient;
import io.agentfleet.devserver.agent.Worker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real LiveKit software from npm, and a hand-driven worker, against the devserver and against the
 * real {@code livekit-server}: the same steps on both, with each server's answer asserted where
 * they differ.
 */
class NodeInteropTest {
  /**
   * What livekit-server 1.13.5 logs when it gives up on a dispatch's job (no worker of that name
   * registered; or some, none available) or places it.
   */
  private static final java.util.Set<String> DECISIONS =
      java.util.Set.of(
          "not dispatching agent job since no worker is available",
          "no worker available to handle job",
          "assigned job to worker");

  private static NodeProject node;

  @BeforeAll
  static void installSdks() throws Exception {
    NodeProject.assumeAvailable();
    node = NodeProject.locate();
    node.install();
  }

  @ParameterizedTest(name = "[{0}]")
  @EnumSource(InteropServer.Kind.class)
  void nodeServerSdkManagesRoomsAndDispatchesOverTwirpJson(InteropServer.Kind kind)
      throws Exception {
    InteropServer.assumeSelected(kind);
    try (InteropServer server = InteropServer.start(kind, "sdk-flow")) {
      String output =
          node.run(
              "sdk-flow.mjs",
              Map.of(
                  "LIVEKIT_URL",
                  server.httpUrl(),
                  "LIVEKIT_API_KEY",
                  InteropServer.KEY,
                  "LIVEKIT_API_SECRET",
                  InteropServer.SECRET,
                  "ROOM",
                  "node-room",
                  "AGENT_NAME",
                  "node-agent",
                  "METADATA",
                  "{\"k\":1}"));
      JsonObject result = lastJsonLine(output);

      assertThat(result.getAsJsonObject("room").get("name").getAsString()).isEqualTo("node-room");
      assertThat(result.getAsJsonObject("room").get("emptyTimeout").getAsInt()).isEqualTo(120);
      assertThat(result.getAsJsonArray("rooms")).hasSize(1);
      JsonObject dispatch = result.getAsJsonObject("dispatch");
      assertThat(dispatch.get("id").getAsString()).startsWith("AD_");
      assertThat(dispatch.get("agentName").getAsString()).isEqualTo("node-agent");
      assertThat(dispatch.get("metadata").getAsString()).isEqualTo("{\"k\":1}");
      // The room was created with no agents list, so it also got the automatic dispatch.
      assertThat(result.getAsJsonArray("dispatches")).hasSize(2);
      assertThat(result.get("participants").getAsInt()).isZero();
      JsonObject missing = result.getAsJsonObject("missingDispatch");
      assertThat(missing.get("code").getAsString()).isEqualTo("not_found");
      assertThat(missing.get("status").getAsInt()).isEqualTo(404);
      assertThat(result.getAsJsonObject("unauthorized").get("status").getAsInt()).isEqualTo(401);

      assertThat(server.dispatches().listDispatch("node-room").execute().body())
          .extracting(AgentDispatch::getAgentName)
          .containsExactlyInAnyOrder("node-agent", "");
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @EnumSource(InteropServer.Kind.class)
  void nodeAgentsWorkerRegistersAndRunsADispatchedJob(InteropServer.Kind kind) throws Exception {
    InteropServer.assumeSelected(kind);
    Path marker = Files.createTempFile("node-agent-jobs", ".jsonl");
    Path log = Files.createTempFile("node-agent", ".log");
    int healthPort;
    try (ServerSocket s = new ServerSocket(0)) {
      healthPort = s.getLocalPort();
    }
    try (InteropServer server = InteropServer.start(kind, "node-agent")) {
      Process agent =
          node.start(
              "agent-worker.mjs",
              List.of("start"),
              Map.of(
                  "LIVEKIT_URL",
                  server.url(),
                  "LIVEKIT_API_KEY",
                  InteropServer.KEY,
                  "LIVEKIT_API_SECRET",
                  InteropServer.SECRET,
                  "AGENT_NAME",
                  "node-agent",
                  "HEALTH_PORT",
                  String.valueOf(healthPort),
                  "JOB_MARKER",
                  marker.toString()),
              log);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !server.workers("node-agent").isEmpty() || !agent.isAlive());
        assertThat(server.workers("node-agent"))
            .as("registered; log:\n%s\n%s", Files.readString(log), server.diagnostics())
            .hasSize(1);
        String workerId = server.workers("node-agent").get(0);

        AgentDispatch dispatch =
            server.dispatches().createDispatch("call-room", "node-agent", "hello").execute().body();

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Files.readString(marker).contains("call-room") || !agent.isAlive());
        JsonObject ran = lastJsonLine(Files.readString(marker));
        assertThat(ran.get("room").getAsString())
            .as("entry ran; log:\n%s", Files.readString(log))
            .isEqualTo("call-room");
        assertThat(ran.get("metadata").getAsString()).isEqualTo("hello");
        String jobId = ran.get("job").getAsString();

        // ListDispatch shows the job on both servers (the real one up to ~5 s after placing it).
        await().atMost(Duration.ofSeconds(15)).until(() -> jobOf(server, dispatch).isPresent());
        Job listed = jobOf(server, dispatch).orElseThrow();
        assertThat(listed.getId()).isEqualTo(jobId);
        assertThat(listed.getState().getWorkerId()).isEqualTo(workerId);
        assertThat(listed.getState().getParticipantIdentity()).isEqualTo("agent-" + jobId);

        // The Node SDK's /worker uses the field names our worker's /worker copies from Python.
        JsonObject info = get("http://127.0.0.1:" + healthPort + "/worker");
        assertThat(info.get("agent_name").getAsString()).isEqualTo("node-agent");
        assertThat(info.get("worker_type").getAsString()).isEqualTo("JT_ROOM");
        assertThat(info.get("protocol_version").getAsInt()).isEqualTo(1);
        assertThat(info.get("sdk_version").getAsString()).isEqualTo("1.9.0");
        assertThat(info.get("active_jobs").getAsJsonPrimitive().isNumber()).isTrue();

        // SIGTERM drains the Node worker: it reports FULL and takes no new job.
        agent.destroy();
        switch (kind) {
          case DEVSERVER -> {
            JsonObject state = get(server.httpUrl() + "/devserver/state");
            JsonObject job = find(state.getAsJsonArray("jobs"), "id", jobId);
            assertThat(job.get("dispatch_id").getAsString()).isEqualTo(dispatch.getId());
            await()
                .atMost(Duration.ofSeconds(30))
                .until(
                    () ->
                        devWorker(server, workerId)
                            .map(w -> w.status() == WorkerStatus.WS_FULL)
                            .orElse(false));
          }
          case LIVEKIT_SERVER ->
              // No API or log line shows a worker's status; what it does with it shows below.
              await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        }
        assertThat(agent.isAlive()).as("still draining its job").isTrue();
        AgentDispatch refused =
            server.dispatches().createDispatch("late-room", "node-agent", "").execute().body();
        assertThat(placed(server, refused)).as("a job for a draining worker").isFalse();
      } finally {
        NodeProject.killTree(agent);
      }
    }
  }

  /**
   * A dispatch that finds no worker keeps no job, and no worker that registers later is offered it
   * (livekit-server 1.13.5: the job request fails with "no worker available to handle job", nothing
   * retries it, and {@code ListDispatch} keeps listing the dispatch).
   */
  @ParameterizedTest(name = "[{0}]")
  @EnumSource(InteropServer.Kind.class)
  void aDispatchThatFoundNoWorkerIsNeverOfferedAgain(InteropServer.Kind kind) throws Exception {
    InteropServer.assumeSelected(kind);
    try (InteropServer server = InteropServer.start(kind, "unplaced")) {
      AgentDispatch dispatch =
          server.dispatches().createDispatch("unplaced", "late-agent", "").execute().body();
      assertThat(placed(server, dispatch)).isFalse();

      try (ProtocolClient late =
          ProtocolClient.registered(server.url(), InteropServer.workerToken(), "late-agent")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.workers("late-agent").isEmpty());
        // Longer than the real server's 5 s cache of agent names, which a registration clears.
        assertThat(late.received.poll(7, TimeUnit.SECONDS)).as("an offer").isNull();
        assertThat(server.dispatches().listDispatch("unplaced").execute().body())
            .filteredOn(d -> d.getAgentName().equals("late-agent"))
            .singleElement()
            .satisfies(
                d -> {
                  assertThat(d.getId()).isEqualTo(dispatch.getId());
                  assertThat(d.getState().getJobsList()).isEmpty();
                });
      }
    }
  }

  /**
   * Whether the server placed a job for the dispatch, once it has decided: the devserver offers at
   * once; the real server's log says when it gave up or assigned. When every worker of the name is
   * draining, it logs only "failed to send job request" for the agent name (no room): that counts
   * once it follows the dispatch's CreateDispatch.
   */
  private static boolean placed(InteropServer server, AgentDispatch dispatch) throws Exception {
    if (server.log().isEmpty()) {
      await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
      return !server.devServer().orElseThrow().jobs().jobsOfDispatch(dispatch.getId()).isEmpty();
    }
    var log = server.log().get();
    Optional<String> decision = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (decision.isEmpty() && System.nanoTime() < deadline) {
      boolean dispatched = false;
      for (var e : log.entries()) {
        boolean room = e.field("room").equals(dispatch.getRoom());
        boolean agent = e.field("agentName").equals(dispatch.getAgentName());
        if (e.message().equals("API AgentDispatchService.CreateDispatch") && room) {
          dispatched = true;
        } else if ((room && agent && DECISIONS.contains(e.message()))
            || (dispatched && agent && e.message().equals("failed to send job request"))) {
          decision = Optional.of(e.message());
          break;
        }
      }
      Thread.sleep(50);
    }
    assertThat(decision).as("a decision in the log\n%s", server.diagnostics()).isPresent();
    return decision.get().equals("assigned job to worker");
  }

  private static Optional<Job> jobOf(InteropServer server, AgentDispatch dispatch)
      throws Exception {
    List<AgentDispatch> listed =
        server.dispatches().listDispatch(dispatch.getRoom()).execute().body();
    return listed == null
        ? Optional.empty()
        : listed.stream()
            .filter(d -> d.getId().equals(dispatch.getId()))
            .flatMap(d -> d.getState().getJobsList().stream())
            .findFirst();
  }

  private static Optional<Worker> devWorker(InteropServer server, String id) {
    return server.devServer().orElseThrow().workers().byId(id);
  }

  private static JsonObject get(String url) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return JsonParser.parseString(body).getAsJsonObject();
  }

  private static JsonObject find(JsonArray items, String key, String value) {
    for (JsonElement e : items) {
      if (e.getAsJsonObject().get(key).getAsString().equals(value)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no item with " + key + "=" + value + " in " + items);
  }

  static JsonObject lastJsonLine(String output) {
    List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).as("JSON output in:\n%s", output).isNotEmpty();
    return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
  }
}
