package io.agentfleet.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.DevServer;
import io.livekit.server.AccessToken;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import org.junit.jupiter.api.Test;

/** The connection shell against the devserver through a proxy that can cut the network. */
class AgentConnectionTest {

  @Test
  void aSilentServerIsDroppedAndTheWorkerRegistersAgain() throws Exception {
    try (DevServer server = DevServer.start(DevServer.Config.dev().withPort(0));
        FreezableProxy proxy = new FreezableProxy(server.port())) {
      List<String> workerIds = new CopyOnWriteArrayList<>();
      AtomicInteger disconnects = new AtomicInteger();
      AgentConnection connection =
          new AgentConnection(
              URI.create("ws://127.0.0.1:" + proxy.port() + "/agent"),
              AgentConnectionTest::token,
              () -> RegisterWorkerRequest.newBuilder().setType(JobType.JT_ROOM).build(),
              new Backoff(Duration.ofMillis(100), Duration.ofMillis(200)),
              Duration.ofMillis(1500),
              new AgentConnection.Listener() {
                @Override
                public void registered(RegisterWorkerResponse response) {
                  workerIds.add(response.getWorkerId());
                }

                @Override
                public void message(ServerMessage message) {}

                @Override
                public void disconnected() {
                  disconnects.incrementAndGet();
                }
              });
      try (connection) {
        connection.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> workerIds.size() == 1);

        proxy.freezeAll();

        await().atMost(Duration.ofSeconds(15)).until(() -> workerIds.size() == 2);
        assertThat(disconnects.get()).isEqualTo(1);
        assertThat(workerIds.get(1)).isNotEqualTo(workerIds.get(0));
      }
    }
  }

  @Test
  void aQuietButLiveServerIsKept() throws Exception {
    try (DevServer server = DevServer.start(DevServer.Config.dev().withPort(0))) {
      AtomicInteger registrations = new AtomicInteger();
      AgentConnection connection =
          new AgentConnection(
              URI.create(server.url() + "/agent"),
              AgentConnectionTest::token,
              () -> RegisterWorkerRequest.newBuilder().setType(JobType.JT_ROOM).build(),
              new Backoff(Duration.ofMillis(100), Duration.ofMillis(200)),
              Duration.ofMillis(1500),
              new AgentConnection.Listener() {
                @Override
                public void registered(RegisterWorkerResponse response) {
                  registrations.incrementAndGet();
                }

                @Override
                public void message(ServerMessage message) {}

                @Override
                public void disconnected() {}
              });
      try (connection) {
        connection.start();
        // Our pings get pongs, so several silence windows pass without a reconnect.
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(6))
            .until(() -> registrations.get() == 1);
      }
    }
  }

  private static String token() {
    AccessToken token = new AccessToken("devkey", "secret");
    token.addGrants(new io.livekit.server.Agent(true));
    return token.toJwt();
  }
}
