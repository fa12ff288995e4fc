package io.agentfleet.devserver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.devserver.DevServer;
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
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real LiveKit software from npm against the devserver. */
class NodeInteropTest {
  private static NodeProject node;
  private DevServer server;

  @BeforeAll
  static void installSdks() throws Exception {
    NodeProject.assumeAvailable();
    node = NodeProject.locate();
    node.install();
  }

  @BeforeEach
  void startServer() throws Exception {
    server = DevServer.start(DevServer.Config.dev().withPort(0));
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void nodeServerSdkManagesRoomsAndDispatchesOverTwirpJson() throws Exception {
    String output =
        node.run(
            "sdk-flow.mjs",
            Map.of(
                "LIVEKIT_URL", server.httpUrl(),
                "LIVEKIT_API_KEY", "devkey",
                "LIVEKIT_API_SECRET", "secret",
                "ROOM", "node-room",
                "AGENT_NAME", "node-agent",
                "METADATA", "{\"k\":1}"));
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

    assertThat(server.rooms().listDispatches("node-room", dispatch.get("id").getAsString()))
        .singleElement()
        .extracting(AgentDispatch::getAgentName)
        .isEqualTo("node-agent");
  }

  @Test
  void nodeAgentsWorkerRegistersAndRunsADispatchedJob() throws Exception {
    Path marker = Files.createTempFile("node-agent-jobs", ".jsonl");
    Path log = Files.createTempFile("node-agent", ".log");
    int healthPort;
    try (ServerSocket s = new ServerSocket(0)) {
      healthPort = s.getLocalPort();
    }
    Process agent =
        node.start(
            "agent-worker.mjs",
            List.of("start"),
            Map.of(
                "LIVEKIT_URL",
                server.url(),
                "LIVEKIT_API_KEY",
                "devkey",
                "LIVEKIT_API_SECRET",
                "secret",
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
          .until(() -> nodeWorker().isPresent() || !agent.isAlive());
      assertThat(nodeWorker()).as("registered; log:\n%s", Files.readString(log)).isPresent();
      assertThat(nodeWorker().get().version()).isEqualTo("1.9.0");

      AgentDispatch dispatch = server.rooms().createDispatch("call-room", "node-agent", "hello");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(marker).contains("call-room") || !agent.isAlive());
      JsonObject ran = lastJsonLine(Files.readString(marker));
      assertThat(ran.get("room").getAsString())
          .as("entry ran; log:\n%s", Files.readString(log))
          .isEqualTo("call-room");
      assertThat(ran.get("metadata").getAsString()).isEqualTo("hello");

      JsonObject state = introspection();
      JsonObject job = find(state.getAsJsonArray("jobs"), "id", ran.get("job").getAsString());
      assertThat(job.get("dispatch_id").getAsString()).isEqualTo(dispatch.getId());
      assertThat(job.get("worker_id").getAsString()).isEqualTo(nodeWorker().get().id());
      assertThat(job.get("participant_identity").getAsString())
          .isEqualTo("agent-" + ran.get("job").getAsString());
      JsonObject worker = find(state.getAsJsonArray("workers"), "id", nodeWorker().get().id());
      assertThat(worker.get("agent_name").getAsString()).isEqualTo("node-agent");

      // The Node SDK's /worker uses the field names our worker's /worker copies from Python.
      JsonObject info = get("http://127.0.0.1:" + healthPort + "/worker");
      assertThat(info.get("agent_name").getAsString()).isEqualTo("node-agent");
      assertThat(info.get("worker_type").getAsString()).isEqualTo("JT_ROOM");
      assertThat(info.get("protocol_version").getAsInt()).isEqualTo(1);
      assertThat(info.get("sdk_version").getAsString()).isEqualTo("1.9.0");
      assertThat(info.get("active_jobs").getAsJsonPrimitive().isNumber()).isTrue();

      // SIGTERM drains the Node worker: it reports FULL, which the devserver records.
      agent.destroy();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  nodeWorker().map(w -> w.status() == WorkerStatus.WS_FULL).orElse(false)
                      || !agent.isAlive());
      assertThat(nodeWorker()).get().extracting(Worker::status).isEqualTo(WorkerStatus.WS_FULL);
    } finally {
      NodeProject.killTree(agent);
    }
  }

  private Optional<Worker> nodeWorker() {
    return server.workers().all().stream()
        .filter(w -> w.agentName().equals("node-agent"))
        .findFirst();
  }

  private JsonObject introspection() throws Exception {
    return get(server.httpUrl() + "/devserver/state");
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
