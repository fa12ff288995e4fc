package io.agentfleet.devserver.interop;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.livekit.server.WebhookReceiver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * One server's side of {@link CallParityTest}, as a program run inside the private network
 * namespace (WebRTC ignores loopback): a server of the given kind with webhooks to a local
 * receiver, a real {@code @livekit/agents} worker running the echo agent of {@code
 * agent-worker.mjs}, and two dispatched hold jobs.
 *
 * <ol>
 *   <li>{@code call-room}: an {@code @livekit/rtc-node} caller ({@code rtc-call.mjs}) publishes a
 *       440 Hz tone and hears it back through the agent; when it leaves, the agent ends its job and
 *       leaves too (a normal leave).
 *   <li>{@code kill-room}: the agent joins, then its worker and job processes are killed with
 *       SIGKILL; the server notices on its own.
 * </ol>
 *
 * <p>Prints {@code RESULT} (the caller's), one {@code WEBHOOK} line per verified webhook (time
 * since the start in ms, event, room, participant identity, kind, state, disconnect reason, the
 * agent name attribute), {@code PARTICIPANT} lines with the full participant JSON, and {@code FACT}
 * lines; always ends the JVM itself.
 *
 * <p>Arguments: server kind, the address to bind, the npm project's directory.
 */
public final class CallScenario {
  static final String AGENT = "node-echo";

  private CallScenario() {}

  public static void main(String[] args) {
    int code = 1;
    try {
      code = run(InteropServer.Kind.valueOf(args[0]), args[1], Path.of(args[2]));
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("FAIL " + t);
    } finally {
      System.out.flush();
      Runtime.getRuntime().halt(code);
    }
  }

  private static int run(InteropServer.Kind kind, String host, Path project) throws Exception {
    long start = System.nanoTime();
    List<WebhookEvent> hooks = new CopyOnWriteArrayList<>();
    List<Long> hookTimes = new CopyOnWriteArrayList<>();
    WebhookReceiver verifier = new WebhookReceiver(InteropServer.KEY, InteropServer.SECRET);
    HttpServer receiver = HttpServer.create(new InetSocketAddress(host, 0), 0);
    receiver.createContext(
        "/webhook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          synchronized (hooks) {
            hookTimes.add((System.nanoTime() - start) / 1_000_000);
            hooks.add(
                verifier.receive(body, exchange.getRequestHeaders().getFirst("Authorization")));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    URI hookUrl = URI.create("http://" + host + ":" + receiver.getAddress().getPort() + "/webhook");
    Path marker = Files.createTempFile("call-scenario-jobs", ".jsonl");
    Path agentLog = Files.createTempFile("call-scenario-agent", ".log");
    Process agent = null;
    try (InteropServer server = InteropServer.start(kind, "call", host, List.of(hookUrl))) {
      System.out.println("INFO " + server);
      int healthPort;
      try (ServerSocket s = new ServerSocket(0)) {
        healthPort = s.getLocalPort();
      }
      agent =
          NodeProject.at(project)
              .start(
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
                      AGENT,
                      "HEALTH_PORT",
                      String.valueOf(healthPort),
                      "JOB_MARKER",
                      marker.toString()),
                  agentLog);
      Process worker = agent;
      await("the agent worker registers", 60, () -> !server.workers(AGENT).isEmpty(), agentLog);

      // 1. A call that ends normally.
      hold(server, "call-room");
      await("the agent joins call-room", 60, () -> marked(marker, "call-room"), agentLog);
      NodeRun caller =
          startNode(
              project,
              List.of(
                  "node",
                  "rtc-call.mjs",
                  server.url(),
                  InteropServer.joinToken("call-room", "caller-1")));
      // Someone joins while the caller talks: new send streams start with loud audio flowing.
      Thread.sleep(2500);
      NodeRun listener =
          startNode(
              project,
              List.of(
                  "node",
                  "rtc-call.mjs",
                  server.url(),
                  InteropServer.joinToken("call-room", "listener-1"),
                  "listen"));
      System.out.println(finish(caller));
      System.out.println("LISTENER " + finish(listener).substring("RESULT ".length()));
      await("room_finished for call-room", 60, () -> seen(hooks, "room_finished", "call-room"));

      // 2. The agent's processes die while it is in the room.
      hold(server, "kill-room");
      await("the agent joins kill-room", 60, () -> marked(marker, "kill-room"), agentLog);
      await(
          "track_published for the agent in kill-room",
          30,
          () -> seen(hooks, "track_published", "kill-room"));
      long killedAt = System.nanoTime();
      List<ProcessHandle> tree = new ArrayList<>(worker.descendants().toList());
      tree.add(worker.toHandle());
      tree.forEach(ProcessHandle::destroyForcibly);
      await(
          "participant_left for the killed agent",
          90,
          () -> seen(hooks, "participant_left", "kill-room"));
      long leftAfter =
          hookTimes.get(index(hooks, "participant_left", "kill-room"))
              - (killedAt - start) / 1_000_000;
      System.out.println("FACT kill-to-participant_left-ms " + leftAfter);
      await("room_finished for kill-room", 60, () -> seen(hooks, "room_finished", "kill-room"));
      Thread.sleep(500);
    } finally {
      if (agent != null) {
        NodeProject.killTree(agent);
      }
      receiver.stop(0);
      print(hooks, hookTimes);
      System.out.println("INFO agent log:\n" + Files.readString(agentLog));
    }
    return 0;
  }

  /**
   * A room that closes 5 s after its last participant left (long enough for the agent to leave by
   * itself first: a room that closes under it makes it leave with ROOM_CLOSED), 30 s after its
   * creation if no caller ever joins; and a hold job in it.
   */
  private static void hold(InteropServer server, String room) throws Exception {
    server.rooms().createRoom(room, 30, null, null, null, null, null, null, 5).execute();
    server.dispatches().createDispatch(room, AGENT, "{\"mode\":\"echo\"}").execute();
  }

  private static void print(List<WebhookEvent> hooks, List<Long> times) throws Exception {
    synchronized (hooks) {
      for (int i = 0; i < hooks.size(); i++) {
        WebhookEvent e = hooks.get(i);
        ParticipantInfo p = e.getParticipant();
        System.out.println(
            "WEBHOOK "
                + times.get(i)
                + " "
                + e.getEvent()
                + " room="
                + e.getRoom().getName()
                + " identity="
                + p.getIdentity()
                + " kind="
                + (e.hasParticipant() ? p.getKind() : "")
                + " state="
                + (e.hasParticipant() ? p.getState() : "")
                + " reason="
                + (e.hasParticipant() ? p.getDisconnectReason() : "")
                + " agentName="
                + p.getAttributesOrDefault("lk.agent_name", "")
                + " tracks="
                + p.getTracksCount());
        if (e.hasParticipant()) {
          System.out.println(
              "PARTICIPANT "
                  + e.getEvent()
                  + " "
                  + JsonFormat.printer().omittingInsignificantWhitespace().print(p));
        }
      }
    }
  }

  private static boolean marked(Path marker, String room) throws Exception {
    return Files.readAllLines(marker).stream()
        .anyMatch(l -> l.contains("\"room\":\"" + room + "\"") && l.contains("\"connected\""));
  }

  private static boolean seen(List<WebhookEvent> hooks, String event, String room) {
    return index(hooks, event, room) >= 0;
  }

  private static int index(List<WebhookEvent> hooks, String event, String room) {
    synchronized (hooks) {
      for (int i = 0; i < hooks.size(); i++) {
        WebhookEvent e = hooks.get(i);
        if (e.getEvent().equals(event)
            && e.getRoom().getName().equals(room)
            && (!e.hasParticipant() || e.getParticipant().getIdentity().startsWith("agent-"))) {
          return i;
        }
      }
      return -1;
    }
  }

  private static void await(String what, int seconds, Check check) throws Exception {
    await(what, seconds, check, null);
  }

  private static void await(String what, int seconds, Check check, Path log) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.ok()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            what
                + ": not within "
                + seconds
                + " s"
                + (log == null ? "" : "; agent log:\n" + Files.readString(log)));
      }
      Thread.sleep(50);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** A Node script started, and where its output goes (a file: a pipe could fill up). */
  private record NodeRun(Process process, Path log) {}

  private static NodeRun startNode(Path project, List<String> command) throws Exception {
    Path log = Files.createTempFile("node-call", ".log");
    return new NodeRun(
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start(),
        log);
  }

  /** Waits for a Node script's end (at most 90 s); returns its {@code RESULT} line. */
  private static String finish(NodeRun node) throws Exception {
    try {
      node.process().waitFor(90, TimeUnit.SECONDS);
    } finally {
      NodeProject.killTree(node.process());
    }
    String output = Files.readString(node.log());
    return output
        .lines()
        .filter(l -> l.startsWith("RESULT "))
        .findFirst()
        .orElse("RESULT none\n" + output);
  }
}
