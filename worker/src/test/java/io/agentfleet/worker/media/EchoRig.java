package io.agentfleet.worker.media;

import io.agentfleet.devserver.DevServer;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.AgentWorker;
import io.agentfleet.worker.DevServerUnderTest;
import io.agentfleet.worker.ServerUnderTest;
import io.agentfleet.worker.caller.Caller;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.builtin.EchoAgent;
import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomServiceClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * What every media scenario starts from inside the namespace: a LiveKit server (the devserver
 * unless told otherwise) bound to the namespace's address, with {@link ServerUnderTest#KEY} and
 * {@link ServerUnderTest#SECRET}, and one registered worker of agent {@code media}, by default
 * running the echo agent.
 */
final class EchoRig implements AutoCloseable {
  static final String AGENT_NAME = "media";

  final ServerUnderTest server;
  final AgentWorker worker;

  private EchoRig(ServerUnderTest server, AgentWorker worker) {
    this.server = server;
    this.worker = worker;
  }

  static EchoRig start(String host) throws Exception {
    return start(ServerUnderTest.Kind.DEVSERVER, host, List.of(), new EchoAgent(), b -> b);
  }

  static EchoRig start(
      String host, List<URI> webhooks, Agent agent, UnaryOperator<WorkerConfig.Builder> tweak)
      throws Exception {
    return start(ServerUnderTest.Kind.DEVSERVER, host, webhooks, agent, tweak);
  }

  static EchoRig start(
      ServerUnderTest.Kind kind,
      String host,
      List<URI> webhooks,
      Agent agent,
      UnaryOperator<WorkerConfig.Builder> tweak)
      throws Exception {
    ServerUnderTest server = kind.start("media", host, webhooks);
    WorkerConfig.Builder config =
        WorkerConfig.builder(server.url(), ServerUnderTest.KEY, ServerUnderTest.SECRET)
            .agentName(AGENT_NAME)
            .loadFunction(LoadFunction.JOBS)
            .loadThreshold(1.0)
            .http(host, 0)
            .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
    AgentWorker worker;
    try {
      worker = new AgentWorker(tweak.apply(config).build(), agent).start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(worker.info().registered() && server.registered(worker.info().workerId()))) {
      if (System.nanoTime() > end) {
        worker.close();
        server.close();
        throw new IllegalStateException(
            "the worker did not register with the " + kind + " in 10 s\n" + server.diagnostics());
      }
      Thread.sleep(50);
    }
    return new EchoRig(server, worker);
  }

  /** The devserver, for the scenarios that look into it. */
  DevServer devServer() {
    if (server instanceof DevServerUnderTest dev) {
      return dev.devServer();
    }
    throw new IllegalStateException("not a devserver: " + server);
  }

  /** A caller's join token for this server. */
  String token(String room, String identity) {
    return Caller.token(ServerUnderTest.KEY, ServerUnderTest.SECRET, room, identity);
  }

  /** A caller joining {@code room} on this server. */
  Caller join(MediaEngine engine, String room, String identity) throws Exception {
    return Caller.join(engine, server.url(), room, identity, token(room, identity));
  }

  /**
   * How the server recorded the end of the job in {@code room}, once it has: the job from {@code
   * ListDispatch}, its end from the server ({@link ServerUnderTest#reportedEnd}).
   */
  Optional<JobState> jobEnd(String room) throws Exception {
    List<AgentDispatch> listed = dispatches().listDispatch(room).execute().body();
    if (listed == null) {
      return Optional.empty();
    }
    return listed.stream()
        .flatMap(d -> d.getState().getJobsList().stream())
        .findFirst()
        .flatMap(j -> server.reportedEnd(j.getId()));
  }

  AgentDispatchServiceClient dispatches() {
    return AgentDispatchServiceClient.createClient(
        server.httpUrl(), ServerUnderTest.KEY, ServerUnderTest.SECRET);
  }

  RoomServiceClient rooms() {
    return RoomServiceClient.createClient(
        server.httpUrl(), ServerUnderTest.KEY, ServerUnderTest.SECRET);
  }

  void dispatch(String room, String metadata) throws Exception {
    dispatches().createDispatch(room, AGENT_NAME, metadata).execute();
  }

  @Override
  public void close() throws Exception {
    worker.close();
    server.close();
  }
}
