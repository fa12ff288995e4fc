package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.AfterEach;

/**
 * SIGTERM drains a real worker process: not ready at once, no new jobs, exit 0 after its calls,
 * whose ends the server (devserver or real) has recorded.
 */
class WorkerDrainTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private int port;
  private Path log;

  @AfterEach
  void stop() throws Exception {
    // Before the fleet closes: it waits for the server to drop this worker.
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @OnBothServers
  void sigtermWaitsForActiveJobsThenExitsZero(TestFleet fleet) throws Exception {
    startWorkerProcess(fleet, "drainer", "30");
    AgentDispatch first = fleet.dispatch("call-1", "drainer", "{\"hold_ms\": 4000}");
    AgentDispatch second = fleet.dispatch("call-2", "drainer", "{\"hold_ms\": 4000}");
    await().atMost(Duration.ofSeconds(10)).until(() -> activeJobs() == 2);

    process.destroy(); // SIGTERM

    await().atMost(Duration.ofSeconds(3)).until(() -> status("/ready") == 503);
    AgentDispatch late = fleet.dispatch("call-3", "drainer", "{\"hold_ms\": 10}");
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited; log:\n%s", log()).isTrue();
    assertThat(process.exitValue()).as("exit code; log:\n%s", log()).isZero();
    // Servers handle the worker's last status messages on their own threads: the process may be
    // gone a moment before they are applied.
    for (AgentDispatch d : List.of(first, second)) {
      fleet.awaitServer(
          d.getRoom() + " end recorded", Duration.ofSeconds(10), () -> fleet.endOf(d).isPresent());
      assertThat(fleet.endOf(d).orElseThrow().getStatus()).isEqualTo(JobStatus.JS_SUCCESS);
    }
    fleet.assertNoJobPlaced(late);
  }

  @OnBothServers
  void aSecondSignalExitsAtOnce(TestFleet fleet) throws Exception {
    startWorkerProcess(fleet, "stubborn", "3600");
    fleet.dispatch("endless-call", "stubborn", ""); // holds until terminated
    await().atMost(Duration.ofSeconds(10)).until(() -> activeJobs() == 1);

    process.destroy();
    await().atMost(Duration.ofSeconds(3)).until(() -> status("/ready") == 503);
    process.destroy();

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited; log:\n%s", log()).isTrue();
    assertThat(process.exitValue()).isNotZero();
  }

  private void startWorkerProcess(TestFleet fleet, String agentName, String drainTimeout)
      throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    log = Files.createTempFile("worker-drain", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            WorkerMain.class.getName(),
            "start",
            "--agent-name",
            agentName,
            "--http-host",
            "127.0.0.1",
            "--http-port",
            String.valueOf(port),
            "--load-function",
            "jobs",
            "--load-threshold",
            "1.0",
            "--status-interval-ms",
            "200",
            "--drain-timeout",
            drainTimeout);
    builder.environment().put("LIVEKIT_URL", fleet.server().url());
    builder.environment().put("LIVEKIT_API_KEY", TestFleet.KEY);
    builder.environment().put("LIVEKIT_API_SECRET", TestFleet.SECRET);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    process = builder.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> status("/ready") == 200);
    fleet.awaitRegistered(workerInfo().get("worker_id").getAsString());
  }

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private int activeJobs() throws Exception {
    return workerInfo().get("active_jobs").getAsInt();
  }

  private JsonObject workerInfo() throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/worker")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return JsonParser.parseString(body).getAsJsonObject();
  }

  private String log() {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
