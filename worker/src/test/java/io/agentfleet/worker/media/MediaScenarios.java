package io.agentfleet.worker.media;

import com.sun.net.httpserver.HttpServer;
import io.agentfleet.devserver.DevServer;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.AgentWorker;
import io.agentfleet.worker.ServerUnderTest;
import io.agentfleet.worker.caller.Caller;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.builtin.BuiltInAgents;
import io.agentfleet.worker.job.builtin.EchoAgent;
import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import io.agentfleet.worker.room.DataMessage;
import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomServiceClient;
import io.livekit.server.WebhookReceiver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * The media scenarios, as a program: run inside a private network namespace (libwebrtc ignores
 * loopback, so the devserver binds a veth address), it starts a devserver, one worker serving every
 * built-in agent, and test callers, and prints one {@code CHECK <name> ok|FAIL <detail>} line per
 * check. {@link RoomMediaTest} runs it and asserts on those lines. It always ends the JVM itself:
 * native threads would otherwise keep it alive.
 *
 * <p>Arguments: the address to bind, the number of concurrent rooms, the number of sequential calls
 * after which threads and file descriptors must be back where they were.
 */
public final class MediaScenarios {
  private static final List<String> failures = new ArrayList<>();

  public static void main(String[] args) {
    ScenarioProcess.exitWith(
        "scenarios", () -> run(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2])));
  }

  private static int run(String host, int rooms, int sequentialCalls) throws Exception {
    List<WebhookEvent> webhooks = new CopyOnWriteArrayList<>();
    HttpServer hooks = webhookReceiver(host, webhooks);
    EchoRig rig =
        EchoRig.start(
            host,
            List.of(webhookUrl(host, hooks)),
            BuiltInAgents.selectableByMetadata(new EchoAgent()),
            b -> b.maxJobs(Math.max(8, rooms + 2)).statusInterval(Duration.ofMillis(500)));
    DevServer server = rig.devServer();
    AgentWorker worker = rig.worker;
    MediaEngine engine = MediaEngine.shared();
    AgentDispatchServiceClient dispatch = rig.dispatches();
    RoomServiceClient roomService = rig.rooms();

    // 1. Echo, as against the real server (LiveKitEchoScenario).
    echo(rig, engine, webhooks);

    // 2. Greeter: hello, a steady 660 Hz, goodbye.
    dispatch
        .createDispatch(
            "greeter-room", "media", "{\"agent\":\"greeter\",\"tone_hz\":660,\"tone_ms\":6000}")
        .execute();
    try (Caller caller = rig.join(engine, "greeter-room", "caller-greeter")) {
      Optional<DataMessage> hello = caller.room.pollData(Duration.ofSeconds(10));
      check(
          "greeter-hello",
          hello
              .map(m -> new String(m.payload(), StandardCharsets.UTF_8))
              .orElse("")
              .equals("hello"),
          hello.map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toString());
      Caller.Heard heard = caller.listen(Duration.ofSeconds(2), 1000);
      System.out.println("INFO greeter heard " + heard);
      check("greeter-audio", heard.loudFrames() > 50, heard.toString());
      Optional<DataMessage> bye = caller.room.pollData(Duration.ofSeconds(10));
      check(
          "greeter-goodbye",
          bye.map(m -> new String(m.payload(), StandardCharsets.UTF_8))
              .orElse("")
              .equals("goodbye"),
          bye.map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toString());
    }

    // 3. Parrot: a half-second burst comes back once the caller has gone quiet.
    dispatch.createDispatch("parrot-room", "media", "{\"agent\":\"parrot\"}").execute();
    try (Caller caller = rig.join(engine, "parrot-room", "caller-parrot")) {
      waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
      caller.speak(500, 0.5);
      Caller.Heard heard = caller.listen(Duration.ofSeconds(3), 1000);
      System.out.println("INFO parrot heard " + heard);
      check(
          "parrot-replays-after-silence",
          // Half a second has few frames, and its fading edges bias the zero-crossing count.
          heard.loudFrames() >= 30
              && heard.firstLoudMs() >= 500
              && Math.abs(heard.hz() - 500) < 100,
          heard.toString());
    }

    // 4. Several rooms at once on one worker, each caller hearing its own frequency.
    ExecutorService pool = Executors.newFixedThreadPool(rooms);
    List<Future<Caller.Heard>> results = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      String room = "room-" + i;
      double hz = 300 + 100 * i;
      dispatch.createDispatch(room, "media", "{\"agent\":\"echo\",\"delay_ms\":100}").execute();
      Callable<Caller.Heard> call =
          () -> {
            try (Caller caller = rig.join(engine, room, "caller-" + room)) {
              waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(15));
              // Every join pauses the relay's audio briefly (see MediaEngine): with many rooms
              // starting at once the first calls need longer before they flow undisturbed.
              double seconds = 4 + 0.4 * rooms;
              caller.speak(hz, seconds);
              Caller.Heard heard = caller.listen(Duration.ofMillis((long) (seconds * 1000)), 1000);
              System.out.println("INFO " + room + " sent " + hz + " Hz heard " + heard);
              return heard;
            }
          };
      results.add(pool.submit(call));
    }
    for (int i = 0; i < rooms; i++) {
      Caller.Heard heard = results.get(i).get(60, TimeUnit.SECONDS);
      double hz = 300 + 100 * i;
      check(
          "concurrent-" + i,
          heard.loudFrames() > 50 && Math.abs(heard.hz() - hz) < 40,
          heard.toString());
    }
    pool.shutdown();

    // 5. The devserver deletes a room mid-call: the agent's job ends, the caller is told to leave.
    dispatch.createDispatch("doomed", "media", "{\"agent\":\"echo\"}").execute();
    try (Caller caller = rig.join(engine, "doomed", "caller-doomed")) {
      waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
      roomService.deleteRoom("doomed").execute();
      String why = caller.room.ended().get(10, TimeUnit.SECONDS);
      check("room-deleted-caller-leaves", why.contains("leave"), why);
    }
    check(
        "room-deleted-job-ends",
        waitFor(
            () -> {
              JobStatus s = jobStatus(server, "doomed");
              return s == JobStatus.JS_SUCCESS || s == JobStatus.JS_FAILED;
            },
            Duration.ofSeconds(10)),
        String.valueOf(jobStatus(server, "doomed")));
    check(
        "worker-released-media",
        waitFor(() -> engine.activeOutputs() == 0, Duration.ofSeconds(10)),
        "outputs still attached: " + engine.activeOutputs());

    // 6. Agents do not keep a room alive: the last caller leaving starts the departure timeout.
    server
        .rooms()
        .createRoom(
            livekit.LivekitRoom.CreateRoomRequest.newBuilder()
                .setName("departing")
                .setDepartureTimeout(1)
                .addAgents(
                    livekit.LivekitAgentDispatch.RoomAgentDispatch.newBuilder()
                        .setAgentName("media")
                        .setMetadata("{\"agent\":\"echo\"}"))
                .build());
    try (Caller caller = rig.join(engine, "departing", "caller-departing")) {
      waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
    }
    check(
        "room-closes-after-departure-timeout",
        waitFor(() -> server.rooms().room("departing").isEmpty(), Duration.ofSeconds(10)),
        "room still open");

    // 7. The participant launch point: a JT_PARTICIPANT worker gets a job per caller that joins.
    AgentWorker perCaller =
        new AgentWorker(
                WorkerConfig.builder(server.url(), ServerUnderTest.KEY, ServerUnderTest.SECRET)
                    .agentName("per-caller")
                    .jobType(livekit.LivekitAgent.JobType.JT_PARTICIPANT)
                    .loadFunction(LoadFunction.JOBS)
                    .loadThreshold(1.0)
                    .http(host, 0)
                    .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)))
                    .build(),
                new EchoAgent())
            .start();
    waitFor(() -> server.workers().all().size() == 2, Duration.ofSeconds(10));
    server
        .rooms()
        .createRoom(
            livekit.LivekitRoom.CreateRoomRequest.newBuilder()
                .setName("participant-room")
                .addAgents(
                    livekit.LivekitAgentDispatch.RoomAgentDispatch.newBuilder()
                        .setAgentName("per-caller"))
                .build());
    try (Caller caller = rig.join(engine, "participant-room", "caller-participant")) {
      waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
      caller.speak(440, 2);
      Caller.Heard heard = caller.listen(Duration.ofSeconds(2), 1000);
      var job =
          server.jobs().jobs().stream()
              .filter(j -> j.getRoom().getName().equals("participant-room"))
              .findFirst();
      check(
          "participant-job-per-caller",
          heard.loudFrames() > 50
              && job.isPresent()
              && job.get().getType() == livekit.LivekitAgent.JobType.JT_PARTICIPANT
              && job.get().getParticipant().getIdentity().equals("caller-participant"),
          heard + " " + job.map(j -> j.getType() + " for " + j.getParticipant().getIdentity()));
    }
    perCaller.close();

    // 8. Many calls one after another leave no threads or native handles behind.
    java.util.Set<String> namesBefore = threadNames();
    int threadsBefore = unpooledThreads();
    long fdsBefore = openFiles();
    for (int i = 0; i < sequentialCalls; i++) {
      String room = "seq-" + i;
      dispatch.createDispatch(room, "media", "{\"agent\":\"echo\",\"delay_ms\":0}").execute();
      try (Caller caller = rig.join(engine, room, "caller-" + room)) {
        waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
        caller.speak(440, 0.3);
        caller.listen(Duration.ofMillis(500), 1000);
      }
      waitFor(() -> jobStatus(server, room) == JobStatus.JS_SUCCESS, Duration.ofSeconds(10));
      roomService.deleteRoom(room).execute();
    }
    waitFor(
        () -> unpooledThreads() <= threadsBefore + 2 && engine.activeOutputs() == 0,
        Duration.ofSeconds(10));
    int threadsAfter = unpooledThreads();
    java.util.Set<String> added = threadNames();
    added.removeAll(namesBefore);
    System.out.println("INFO threads added: " + added);
    long fdsAfter = openFiles();
    System.out.println(
        "INFO after "
            + sequentialCalls
            + " calls: threads "
            + threadsBefore
            + " -> "
            + threadsAfter
            + ", open files "
            + fdsBefore
            + " -> "
            + fdsAfter);
    check(
        "no-leak-after-" + sequentialCalls + "-calls",
        threadsAfter <= threadsBefore + 2 && fdsAfter <= fdsBefore + 10,
        "threads "
            + threadsBefore
            + " -> "
            + threadsAfter
            + ", fds "
            + fdsBefore
            + " -> "
            + fdsAfter);

    rig.close();
    hooks.stop(0);
    engine.close();
    return verdict();
  }

  /** Prints and returns the outcome of every check so far: 0 when all passed. */
  static int verdict() {
    System.out.println(failures.isEmpty() ? "ALL OK" : "FAILED " + failures);
    return failures.isEmpty() ? 0 : 1;
  }

  /** Webhooks as the operator receives them, verified by the LiveKit SDK's receiver. */
  static HttpServer webhookReceiver(String host, List<WebhookEvent> into) throws Exception {
    WebhookReceiver receiver = new WebhookReceiver(ServerUnderTest.KEY, ServerUnderTest.SECRET);
    HttpServer hooks = HttpServer.create(new InetSocketAddress(host, 0), 0);
    hooks.createContext(
        "/livekit/webhook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          into.add(receiver.receive(body, exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    hooks.start();
    return hooks;
  }

  static URI webhookUrl(String host, HttpServer hooks) {
    return URI.create("http://" + host + ":" + hooks.getAddress().getPort() + "/livekit/webhook");
  }

  /**
   * The echo call: the caller hears its own 440 Hz back, data packets go both ways, the job ends as
   * a success once the caller left, and the webhooks tell of both participants. The rig's worker
   * must serve the echo agent for metadata {@code {"agent":"echo"}}.
   */
  static void echo(EchoRig rig, MediaEngine engine, List<WebhookEvent> webhooks) throws Exception {
    rig.dispatch("echo-room", "{\"agent\":\"echo\",\"delay_ms\":200}");
    try (Caller caller = rig.join(engine, "echo-room", "caller-echo")) {
      waitFor(() -> !caller.room.remoteParticipants().isEmpty(), Duration.ofSeconds(10));
      caller.speak(440, 4);
      Caller.Heard heard = caller.listen(Duration.ofSeconds(4), 1000);
      System.out.println("INFO echo heard " + heard);
      check(
          "echo-audio",
          heard.loudFrames() > 100 && Math.abs(heard.hz() - 440) < 40,
          heard.toString());
      caller.room.sendData("ping-1".getBytes(StandardCharsets.UTF_8), "test", true);
      Optional<DataMessage> back = caller.room.pollData(Duration.ofSeconds(5));
      check(
          "echo-data",
          back.isPresent()
              && new String(back.get().payload(), StandardCharsets.UTF_8).equals("ping-1")
              && back.get().topic().equals(EchoAgent.TOPIC),
          back.map(m -> m.participant() + "/" + m.topic()).orElse("nothing"));
    }
    // The agent leaves when its only caller has left, and the job ends as a success.
    check(
        "echo-job-ends-when-caller-leaves",
        waitFor(
            () ->
                rig.jobEnd("echo-room")
                    .map(s -> s.getStatus() == JobStatus.JS_SUCCESS)
                    .orElse(false),
            Duration.ofSeconds(10)),
        rig.jobEnd("echo-room").map(e -> e.getStatus() + " " + e.getError()).orElse("no end"));

    check(
        "webhooks-participants",
        waitFor(
            () ->
                hasEvent(
                        webhooks,
                        "participant_joined",
                        "caller-echo",
                        ParticipantInfo.Kind.STANDARD)
                    && hasEvent(
                        webhooks, "participant_joined", "agent-", ParticipantInfo.Kind.AGENT)
                    && hasEvent(
                        webhooks, "participant_left", "caller-echo", ParticipantInfo.Kind.STANDARD),
            Duration.ofSeconds(10)),
        webhooks.stream()
            .map(e -> e.getEvent() + ":" + e.getParticipant().getIdentity())
            .toList()
            .toString());
  }

  /**
   * Threads other than the bounded pools that grow on demand (the worker's {@code max-jobs} job
   * threads, Jetty's and the JDK HTTP client's workers): what a leaking session would add to.
   */
  private static int unpooledThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(
                n ->
                    !n.startsWith("job-")
                        && !n.startsWith("devserver-http")
                        && !n.startsWith("HttpClient"))
            .count();
  }

  private static java.util.Set<String> threadNames() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return names;
  }

  private static boolean hasEvent(
      List<WebhookEvent> events, String event, String identityPrefix, ParticipantInfo.Kind kind) {
    return events.stream()
        .anyMatch(
            e ->
                e.getEvent().equals(event)
                    && e.getRoom().getName().equals("echo-room")
                    && e.getParticipant().getIdentity().startsWith(identityPrefix)
                    && e.getParticipant().getKind() == kind);
  }

  private static long openFiles() throws java.io.IOException {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static JobStatus jobStatus(DevServer server, String room) {
    return server.jobs().jobs().stream()
        .filter(j -> j.getRoom().getName().equals(room))
        .map(j -> j.getState().getStatus())
        .findFirst()
        .orElse(null);
  }

  static void check(String name, boolean ok, String detail) {
    System.out.println("CHECK " + name + (ok ? " ok " : " FAIL ") + detail);
    System.out.flush();
    if (!ok) {
      failures.add(name);
    }
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static boolean waitFor(Condition c, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (c.holds()) {
        return true;
      }
      Thread.sleep(50);
    }
    return c.holds();
  }
}
