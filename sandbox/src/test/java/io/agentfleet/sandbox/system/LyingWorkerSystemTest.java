package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker whose {@code /worker} says 0 calls while LiveKit has it in calls: the operator reads it
 * through a proxy of the test's that rewrites the report (the pod's status address annotation,
 * which the sandbox's operator obeys, points at the proxy; the kubelet's probes still reach the
 * worker). What the lie causes: at a scale-down the liar looks idle and is the one drained. What
 * limits it: a drain is SIGTERM, and the worker, not its report, decides when it has no job left,
 * so its calls run to their end before the process exits.
 */
class LyingWorkerSystemTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  static final String NAME = "liar";
  static Sandbox sandbox;
  static HttpServer proxy;

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("lying-worker");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (proxy != null) {
      proxy.stop(0);
    }
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  void aWorkerThatReportsNoCallsIsDrainedAsIdleButItsCallsRunToTheirEnd() throws Exception {
    Fleet fleet = new Fleet(sandbox, NAME);
    fleet.resource().create(SampleAgent.deployment(NAME, sandbox.livekitUrl(), 2, false));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofMinutes(2))
        .until(() -> fleet.ready().size() == 2 && fleet.registered().size() == 2);
    fleet.track();

    // Calls until both workers hold some: then only a lie makes one of them look idle.
    List<CallRecord> calls = new ArrayList<>();
    while (calls.size() < 12 && fleet.pods().stream().anyMatch(p -> jobs(address(p)) == 0)) {
      calls.add(sandbox.callers().place(NAME, Duration.ofSeconds(40)));
      Thread.sleep(700);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> fleet.ledgerOf(calls).stream().allMatch(c -> c.outcome() == CallOutcome.IN_CALL));
    List<Pod> pods = fleet.pods();
    assertThat(pods).allMatch(p -> jobs(address(p)) > 0);
    // The liar: the worker with the most calls, so an honest report would make it the last victim.
    Pod liar =
        pods.stream().max(java.util.Comparator.comparingInt(p -> jobs(address(p)))).orElseThrow();
    String liarPod = liar.getMetadata().getName();
    String liarWorker = fleet.workerOfPod.get(liarPod);
    int liarCalls = jobs(address(liar));

    proxy = lyingProxy(address(liar));
    String lie = "127.0.0.1:" + proxy.getAddress().getPort();
    Fleet.edit(
        sandbox.client().pods().inNamespace("default").withName(liarPod),
        p -> {
          p.getMetadata().getAnnotations().put(AgentDeploymentAnnotations.STATUS_ADDRESS, lie);
          return p;
        });
    // The operator believes it: the fleet's calls drop by the liar's.
    int total = calls.size();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fleet.get().getStatus().getActiveJobs() == total - liarCalls);

    Instant scaled = Instant.now();
    fleet.resource().scale(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                SdkFleetSystemTest.podDeletions(sandbox.controlPlane().auditLog()).stream()
                    .anyMatch(d -> d.at().isAfter(scaled.minusSeconds(1))));
    List<SdkFleetSystemTest.Deletion> deletions =
        SdkFleetSystemTest.podDeletions(sandbox.controlPlane().auditLog());
    await().atMost(Duration.ofSeconds(120)).until(() -> fleet.exitOfPod.containsKey(liarPod));
    Instant exited = fleet.exitOfPod.get(liarPod);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fleet.ledgerOf(calls).stream().allMatch(c -> c.outcome().ended()));

    List<CallRecord> onLiar =
        fleet.ledgerOf(calls).stream().filter(c -> liarWorker.equals(c.workerId())).toList();
    Instant lastEnd =
        onLiar.stream().map(CallRecord::endedAt).max(Instant::compareTo).orElseThrow();
    Instant drained = deletions.get(0).at();
    System.out.printf(
        "liar %s held %d calls, reported 0; drained (DELETE) %d ms after the scale-down;"
            + " its last call ended %d ms after the DELETE, its process exited %d ms after that;"
            + " calls %s%n",
        liarPod,
        liarCalls,
        Duration.between(scaled, drained).toMillis(),
        Duration.between(drained, lastEnd).toMillis(),
        Duration.between(lastEnd, exited).toMillis(),
        fleet.outcomes(calls));

    assertThat(deletions).extracting(SdkFleetSystemTest.Deletion::pod).containsExactly(liarPod);
    assertThat(onLiar).hasSize(liarCalls);
    assertThat(fleet.ledgerOf(calls))
        .as("every call ran its length: %s", fleet.outcomes(calls))
        .allMatch(c -> c.outcome().completed());
    assertThat(exited).as("the liar exits after its last call").isAfterOrEqualTo(lastEnd);
  }

  private static String address(Pod pod) {
    return pod.getMetadata().getAnnotations().get(AgentDeploymentAnnotations.STATUS_ADDRESS);
  }

  /** The jobs a worker says it runs, asked at its own status address. */
  static int jobs(String address) {
    try {
      return JSON.readTree(get(address, "/worker").body()).path("active_jobs").asInt();
    } catch (IOException e) {
      return -1;
    }
  }

  private static HttpResponse<byte[]> get(String address, String path) throws IOException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://" + address + path))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * Passes every request to the worker; its {@code /worker} comes back with no calls and no load.
   */
  static HttpServer lyingProxy(String worker) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        exchange -> {
          try {
            String path = exchange.getRequestURI().getPath();
            HttpResponse<byte[]> real = get(worker, path);
            byte[] body = real.body();
            if (path.equals("/worker")) {
              ObjectNode report = (ObjectNode) JSON.readTree(body);
              report.put("active_jobs", 0);
              report.put("worker_load", 0.0);
              body = JSON.writeValueAsBytes(report);
            }
            reply(exchange, real.statusCode(), body);
          } catch (IOException e) {
            reply(exchange, 502, e.toString().getBytes(StandardCharsets.UTF_8));
          } finally {
            exchange.close();
          }
        });
    server.start();
    return server;
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().putAll(Map.of("Content-Type", List.of("application/json")));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
