package io.agentfleet.sandbox.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.agentfleet.controlplane.ListenPorts;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.controlplane.LiveKitServer;
import io.agentfleet.sandbox.launcher.WorkerImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example agents on the real SDKs (Python livekit-agents, Node @livekit/agents), started
 * through the sandbox's image rules, against the real livekit-server: registration, the status
 * endpoint the operator reads, a job from dispatch to the agent leaving, the SIGTERM drain, and the
 * health endpoint before and after the worker reaches LiveKit. Skipped (per SDK) only when
 * tools/python-agent-env.sh or tools/node-agent-env.sh cannot build the SDK's environment.
 */
class AgentSdkTest {
  private static final String API_KEY = "devkey";
  private static final String API_SECRET = "agent-sdk-test-secret-long-enough-for-hs256";
  private static final int HOLD_MS = 8000;
  // Longer, so the checks made while the worker drains have seconds to spare on a busy machine.
  private static final int DRAIN_HOLD_MS = 12000;
  private static final Duration SLOW = Duration.ofSeconds(90);

  private static Path repoRoot;
  private static Path workdir;
  private static LiveKitServer livekit;
  private static LiveKitApi api;

  private final List<AutoCloseable> started = new ArrayList<>();

  @BeforeAll
  static void startLiveKit() throws IOException {
    repoRoot = WorkerImage.repoRoot();
    workdir =
        Path.of(System.getProperty("sandbox.workdir", "target/sandbox-tests"), "agent-sdks")
            .toAbsolutePath();
    livekit =
        LiveKitServer.start(
            LiveKitServer.Options.in(workdir.resolve("livekit"), API_KEY, API_SECRET));
    api = new LiveKitApi(livekit.httpUrl(), API_KEY, API_SECRET);
  }

  @AfterAll
  static void stopLiveKit() {
    if (livekit != null) {
      livekit.close();
    }
  }

  @AfterEach
  void stopWorkers() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @ParameterizedTest
  @EnumSource(AgentSdk.class)
  void registersReportsAJobAndLeavesTheRoomWhenItEnds(AgentSdk sdk) throws Exception {
    LiveKitLog log = logFromNow(livekit);
    AgentProcess worker = start(sdk, sdk.lower() + "-job", livekit.url());
    String workerId = awaitRegistered(worker, log);

    String idle = worker.workerBody();
    System.out.printf("%s /worker idle: %s%n", sdk.lower(), idle.replaceAll("\\s+", " "));
    WorkerReport idleReport = WorkerReportParser.parse(idle, WorkerStatusFormat.AUTO);
    assertThat(idleReport.format()).isEqualTo(WorkerStatusFormat.LIVEKIT_AGENTS);
    assertThat(idleReport.activeJobs()).isZero();
    assertThat(idleReport.acceptsCalls()).isTrue();
    assertThat(idle).contains("\"agent_name\"", worker.agentName);
    if (sdk == AgentSdk.PYTHON) {
      // Protobuf JSON leaves zeros out: no active_jobs, no worker_load when idle.
      assertThat(idle).doesNotContain("active_jobs").doesNotContain("worker_load");
      assertThat(idleReport.load()).isEqualTo(0.0);
    } else {
      assertThat(idle).contains("\"active_jobs\":0", "\"project_type\":\"nodejs\"");
      assertThat(idleReport.load()).isNull();
    }

    String room = sdk.lower() + "-job-room";
    api.dispatch(room, worker.agentName, "{\"hold_ms\": " + HOLD_MS + "}");
    // Python's load follows within its 0.5 s load interval: with AGENTFLEET_LOAD_FUNCTION=jobs
    // the example reports 1 job of 4. Node reports no load at all.
    Double busyLoad = sdk == AgentSdk.PYTHON ? Double.valueOf(0.25) : null;
    String busy =
        await()
            .atMost(SLOW)
            .until(
                worker::workerBody,
                body -> {
                  WorkerReport r = WorkerReportParser.parse(body, WorkerStatusFormat.AUTO);
                  return r.activeJobs() == 1 && java.util.Objects.equals(r.load(), busyLoad);
                });
    System.out.printf("%s /worker busy: %s%n", sdk.lower(), busy.replaceAll("\\s+", " "));

    LiveKitApi.Participant agent = awaitAgentIn(room);
    System.out.printf("%s agent participant: %s%n", sdk.lower(), agent);
    assertThat(agent.identity()).startsWith("agent-AJ_");
    assertThat(agent.attributes()).containsEntry("lk.agent.name", worker.agentName);

    await()
        .atMost(Duration.ofMillis(HOLD_MS).plus(SLOW))
        .until(() -> api.participants(room).isEmpty());
    await()
        .atMost(SLOW)
        .until(
            () ->
                WorkerReportParser.parse(worker.workerBody(), WorkerStatusFormat.AUTO).activeJobs()
                    == 0);
    LiveKitLog.Entry left = awaitLeft(log, agent.identity());
    assertThat(left.field("reason")).isEqualTo("CLIENT_REQUEST_LEAVE");
    assertThat(sessionSeconds(left)).isGreaterThanOrEqualTo(HOLD_MS / 1000.0);
    LiveKitLog.Entry ended =
        await()
            .atMost(SLOW)
            .until(
                () -> log.find("job ended", e -> workerId.equals(e.field("workerID"))),
                Optional::isPresent)
            .orElseThrow();
    System.out.printf(
        "%s job ended as the server recorded it: %s %s%n",
        sdk.lower(), ended.field("status"), ended.field("error"));
    assertThat(worker.isAlive()).as("the worker keeps running after its job").isTrue();
  }

  @ParameterizedTest
  @EnumSource(AgentSdk.class)
  void onSigtermFinishesItsJobTakesNoNewOneAndExits(AgentSdk sdk) throws Exception {
    LiveKitLog log = logFromNow(livekit);
    AgentProcess worker = start(sdk, sdk.lower() + "-drain", livekit.url());
    String workerId = awaitRegistered(worker, log);
    String room = sdk.lower() + "-drain-room";
    api.dispatch(room, worker.agentName, "{\"hold_ms\": " + DRAIN_HOLD_MS + "}");
    LiveKitApi.Participant agent = awaitAgentIn(room);
    await()
        .atMost(SLOW)
        .until(
            () ->
                WorkerReportParser.parse(worker.workerBody(), WorkerStatusFormat.AUTO).activeJobs()
                    == 1);

    Instant sigterm = Instant.now();
    worker.terminate();
    // Both SDKs log it when the drain begins (Node at debug, which the test turns on).
    await().atMost(SLOW).until(() -> worker.logText().contains("draining worker"));
    AgentProcess.Answer health = worker.get("/").orElseThrow();
    String draining = worker.workerBody();
    System.out.printf(
        "%s while draining: / %d %s, /worker %s%n",
        sdk.lower(), health.status(), health.body().strip(), draining.replaceAll("\\s+", " "));
    // Neither SDK shows the drain on / or /worker: / stays 200 and the job is still counted.
    assertThat(health.status()).isEqualTo(200);
    assertThat(WorkerReportParser.parse(draining, WorkerStatusFormat.AUTO).activeJobs())
        .isEqualTo(1);

    String second = sdk.lower() + "-drain-second";
    api.dispatch(second, worker.agentName, "{\"hold_ms\": 1000}");
    // The server asked and found no worker that would take it.
    await()
        .atMost(SLOW)
        .until(
            () ->
                log.find(
                        "failed to send job request",
                        e -> worker.agentName.equals(e.field("agentName")))
                    .isPresent());
    assertThat(worker.isAlive()).as("still draining: the held call is not over").isTrue();
    assertThat(api.participants(room))
        .extracting(LiveKitApi.Participant::identity)
        .containsExactly(agent.identity());

    // A margin for the job to end and the process to close, not a drain that waits on a timeout.
    Optional<Integer> exit = worker.awaitExit(Duration.ofMillis(DRAIN_HOLD_MS).plusSeconds(30));
    Duration drained = Duration.between(sigterm, Instant.now());
    assertThat(exit).as("exited after its job").isPresent();
    System.out.printf(
        "%s exited %d, %d ms after SIGTERM%n", sdk.lower(), exit.get(), drained.toMillis());
    assertThat(exit.get()).isEqualTo(sdk.drainedExitCode);
    LiveKitLog.Entry left = awaitLeft(log, agent.identity());
    assertThat(left.field("reason")).isEqualTo("CLIENT_REQUEST_LEAVE");
    assertThat(sessionSeconds(left))
        .as("the agent stayed for the whole hold although SIGTERM came first")
        .isGreaterThanOrEqualTo(DRAIN_HOLD_MS / 1000.0);
    assertThat(api.participants(second)).as("no agent joined the second room").isEmpty();
    assertThat(
            log.find(
                "assigned job to worker",
                e -> second.equals(e.field("room")) && workerId.equals(e.field("workerID"))))
        .isEmpty();
  }

  /**
   * The echo agent's setup (the audio round trip needs media, which loopback cannot carry): it
   * publishes its microphone track {@code echo} and waits for a caller; deleting the room ends it.
   */
  @ParameterizedTest
  @EnumSource(AgentSdk.class)
  void theEchoAgentPublishesItsTrackAndEndsWithTheRoom(AgentSdk sdk) throws Exception {
    LiveKitLog log = logFromNow(livekit);
    AgentProcess worker = start(sdk, sdk.lower() + "-echo", livekit.url());
    awaitRegistered(worker, log);
    String room = sdk.lower() + "-echo-room";
    api.dispatch(room, worker.agentName, "{\"agent\": \"echo\"}");
    LiveKitApi.Participant agent =
        await()
            .atMost(SLOW)
            .until(() -> api.participants(room), p -> p.size() == 1 && !p.get(0).tracks().isEmpty())
            .get(0);
    System.out.printf("%s echo agent: %s%n", sdk.lower(), agent);
    assertThat(agent.tracks()).containsExactly(new LiveKitApi.Track("echo", "AUDIO", "MICROPHONE"));

    api.deleteRoom(room);
    await()
        .atMost(SLOW)
        .until(
            () ->
                WorkerReportParser.parse(worker.workerBody(), WorkerStatusFormat.AUTO).activeJobs()
                    == 0);
    assertThat(worker.isAlive()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(AgentSdk.class)
  void healthBeforeAndAfterTheWorkerReachesLiveKit(AgentSdk sdk) throws Exception {
    int port = ListenPorts.unused();
    AgentProcess worker = start(sdk, sdk.lower() + "-health", "ws://127.0.0.1:" + port);
    AgentProcess.Answer unconnected =
        await().atMost(SLOW).until(() -> worker.get("/"), Optional::isPresent).orElseThrow();
    System.out.printf(
        "%s / with no LiveKit server: %d %s%n",
        sdk.lower(), unconnected.status(), unconnected.body().strip());
    assertThat(unconnected.status()).isEqualTo(sdk.healthWhileUnconnected);

    Path lateDir = workdir.resolve("livekit-" + sdk.lower());
    LiveKitLog lateLog = new LiveKitLog(lateDir.resolve("livekit-server.log"));
    lateLog.startOver();
    LiveKitServer late =
        LiveKitServer.start(LiveKitServer.Options.in(lateDir, API_KEY, API_SECRET).withPort(port));
    started.add(late);
    awaitRegistered(worker, lateLog);
    AgentProcess.Answer connected =
        await()
            .atMost(SLOW)
            .until(() -> worker.get("/"), a -> a.isPresent() && a.get().status() == 200)
            .orElseThrow();
    assertThat(connected.body()).contains("OK");
  }

  /** The server's log from here on: a server restarted in the same folder appends to it. */
  private static LiveKitLog logFromNow(LiveKitServer server) {
    LiveKitLog log = new LiveKitLog(server.log());
    log.startOver();
    return log;
  }

  private AgentProcess start(AgentSdk sdk, String agentName, String livekitUrl) throws IOException {
    Optional<String> problem = AgentEnvironments.problem(sdk, repoRoot, workdir);
    assumeTrue(problem.isEmpty(), () -> sdk.lower() + " agent environment: " + problem.get());
    AgentProcess worker =
        AgentProcess.start(
            sdk,
            repoRoot,
            agentName,
            livekitUrl,
            API_KEY,
            API_SECRET,
            120,
            workdir.resolve("logs"));
    started.add(
        () -> {
          worker.close();
          System.out.printf("%s log: %s%n", agentName, worker.log);
        });
    return worker;
  }

  /** Waits until the server registered the worker; prints how long that took; its worker id. */
  private static String awaitRegistered(AgentProcess worker, LiveKitLog log) {
    LiveKitLog.Entry registered =
        await()
            .atMost(SLOW)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  assertThat(worker.isAlive())
                      .as(worker.agentName + " exited:\n" + worker.logText())
                      .isTrue();
                  return log.find(
                      "worker registered", e -> worker.agentName.equals(e.field("agentName")));
                },
                Optional::isPresent)
            .orElseThrow();
    System.out.printf(
        "%s registered %d ms after its process started%n",
        worker.agentName, Duration.between(worker.startedAt, Instant.now()).toMillis());
    // The SDK says so too, with the id the server gave it.
    String id = registered.field("workerID");
    await().atMost(SLOW).until(() -> worker.logText().contains(id));
    assertThat(worker.logText()).contains("registered worker");
    return id;
  }

  private static LiveKitApi.Participant awaitAgentIn(String room) {
    List<LiveKitApi.Participant> participants =
        await().atMost(SLOW).until(() -> api.participants(room), p -> !p.isEmpty());
    assertThat(participants).hasSize(1);
    LiveKitApi.Participant agent = participants.get(0);
    assertThat(agent.kind()).isEqualTo("AGENT");
    return agent;
  }

  private static LiveKitLog.Entry awaitLeft(LiveKitLog log, String identity) {
    return await()
        .atMost(SLOW)
        .until(
            () -> log.find("participant closing", e -> identity.equals(e.field("participant"))),
            Optional::isPresent)
        .orElseThrow();
  }

  private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)m)?([\\d.]+)s");

  /** How long the participant was in the room, from the server's Go duration ("8.018188284s"). */
  private static double sessionSeconds(LiveKitLog.Entry closing) {
    Matcher m = GO_DURATION.matcher(closing.field("sessionDuration"));
    assertThat(m.matches()).as("sessionDuration " + closing.field("sessionDuration")).isTrue();
    double minutes = m.group(1) == null ? 0 : Double.parseDouble(m.group(1));
    return minutes * 60 + Double.parseDouble(m.group(2));
  }
}
