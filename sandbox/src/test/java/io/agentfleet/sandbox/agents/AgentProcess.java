package io.agentfleet.sandbox.agents;

import io.agentfleet.controlplane.ListenPorts;
import io.agentfleet.sandbox.kubelet.ImageRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An example agent's worker as the sandbox's kubelet starts it: the image rule's command line and
 * env, plus what the operator would put into the pod (LiveKit URL and credentials, agent name,
 * drain timeout, load from jobs).
 */
final class AgentProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** One answer of the worker's HTTP server. */
  record Answer(int status, String body) {}

  final String agentName;
  final int port;
  final Path log;
  final Instant startedAt;
  private final Process process;

  private AgentProcess(String agentName, int port, Path log, Instant startedAt, Process process) {
    this.agentName = agentName;
    this.port = port;
    this.log = log;
    this.startedAt = startedAt;
    this.process = process;
  }

  static AgentProcess start(
      AgentSdk sdk,
      Path repoRoot,
      String agentName,
      String livekitUrl,
      String apiKey,
      String apiSecret,
      int drainTimeoutSeconds,
      Path logs)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", Integer.toString(drainTimeoutSeconds));
    // As the sandbox sample runs them: many workers share two cores, so CPU load says nothing.
    env.put("AGENTFLEET_LOAD_FUNCTION", "jobs");
    env.put("AGENTFLEET_MAX_JOBS", "4");
    env.putAll(sdk.testEnv);
    return start(sdk.rule(repoRoot), env, agentName, livekitUrl, apiKey, apiSecret, logs);
  }

  /** Any image rule's worker (our Java worker's too), with {@code env} on top of the pod's. */
  static AgentProcess start(
      ImageRule rule,
      Map<String, String> env,
      String agentName,
      String livekitUrl,
      String apiKey,
      String apiSecret,
      Path logs)
      throws IOException {
    int port = ListenPorts.unused();
    Map<String, String> podEnv = new LinkedHashMap<>();
    podEnv.put("LIVEKIT_URL", livekitUrl);
    podEnv.put("LIVEKIT_API_KEY", apiKey);
    podEnv.put("LIVEKIT_API_SECRET", apiSecret);
    podEnv.put("LIVEKIT_AGENT_NAME", agentName);
    podEnv.putAll(env);
    ImageRule.Launch launch =
        rule.launch(List.of(), podEnv, new ImageRule.Placeholders(port, agentName, "default"));
    ProcessBuilder builder = new ProcessBuilder(launch.command());
    Map<String, String> processEnv = builder.environment();
    processEnv.clear();
    for (String keep : List.of("PATH", "HOME", "LANG", "TMPDIR")) {
      Optional.ofNullable(System.getenv(keep)).ifPresent(v -> processEnv.put(keep, v));
    }
    processEnv.putAll(podEnv);
    processEnv.putAll(launch.env());
    Files.createDirectories(logs);
    Path log = logs.resolve(agentName + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Instant startedAt = Instant.now();
    Process process = builder.start();
    return new AgentProcess(agentName, port, log, startedAt, process);
  }

  /** {@code GET path} on the worker's HTTP server; empty while nothing listens there. */
  Optional<Answer> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return Optional.of(new Answer(response.statusCode(), response.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The {@code /worker} body; fails if the worker does not answer 200. */
  String workerBody() {
    Answer answer =
        get("/worker").orElseThrow(() -> new AssertionError(agentName + ": /worker not served"));
    if (answer.status() != 200) {
      throw new AssertionError(agentName + ": /worker answered " + answer.status());
    }
    return answer.body();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** SIGTERM, as the kubelet sends it to a pod being deleted. */
  void terminate() {
    process.destroy();
  }

  Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the worker and whatever it started (Node runs each job in a child process). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
