package io.agentfleet.worker.media;

import io.agentfleet.devserver.DevServer;
import io.agentfleet.worker.AgentWorker;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.builtin.EchoAgent;
import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import io.livekit.server.AgentDispatchServiceClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What every media scenario starts from inside the namespace: a devserver bound to the namespace's
 * address (key {@code devkey}, secret {@code secret}) and one registered worker of agent {@code
 * media}, by default running the echo agent.
 */
final class EchoRig implements AutoCloseable {
  static final String AGENT_NAME = "media";

  final DevServer server;
  final AgentWorker worker;

  private EchoRig(DevServer server, AgentWorker worker) {
    this.server = server;
    this.worker = worker;
  }

  static EchoRig start(String host) throws Exception {
    return start(host, List.of(), new EchoAgent(), b -> b);
  }

  static EchoRig start(
      String host, List<URI> webhooks, Agent agent, UnaryOperator<WorkerConfig.Builder> tweak)
      throws Exception {
    DevServer server =
        DevServer.start(
            new DevServer.Config(
                host,
                0,
                Map.of("devkey", "secret"),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                webhooks));
    WorkerConfig.Builder config =
        WorkerConfig.builder(server.url(), "devkey", "secret")
            .agentName(AGENT_NAME)
            .loadFunction(LoadFunction.JOBS)
            .loadThreshold(1.0)
            .http(host, 0)
            .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
    AgentWorker worker = new AgentWorker(tweak.apply(config).build(), agent).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.workers().all().isEmpty()) {
      if (System.nanoTime() > end) {
        worker.close();
        server.close();
        throw new IllegalStateException("the worker did not register with the devserver in 10 s");
      }
      Thread.sleep(50);
    }
    return new EchoRig(server, worker);
  }

  void dispatch(String room, String metadata) throws Exception {
    AgentDispatchServiceClient.createClient(server.httpUrl(), "devkey", "secret")
        .createDispatch(room, AGENT_NAME, metadata)
        .execute();
  }

  @Override
  public void close() throws Exception {
    worker.close();
    server.close();
  }
}
