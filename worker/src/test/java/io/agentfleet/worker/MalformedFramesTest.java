package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.livekit.server.AccessToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Garbage and oversized frames end only the connection that sent them: the devserver closes that
 * socket and keeps serving; the worker drops a bad server connection and reconnects.
 */
public class MalformedFramesTest {
  @RegisterExtension final TestFleet fleet = TestFleet.perTest();

  @Test
  void devserverClosesASocketThatSendsGarbageAndKeepsServing() throws Exception {
    AgentWorker worker = fleet.startWorker("steady", b -> b);

    RawSocket raw = RawSocket.open(fleet.server().url());
    raw.ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02}), true);

    assertThat(raw.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    assertThat(worker.info().registered()).isTrue();
    fleet.dispatch("after-garbage", "steady", "{\"hold_ms\": 10}");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().jobsSucceeded() == 1);
  }

  @Test
  void devserverClosesASocketThatSendsAnOversizedFrame() throws Exception {
    AgentWorker worker = fleet.startWorker("steady", b -> b);

    RawSocket raw = RawSocket.open(fleet.server().url());
    raw.ws.sendBinary(ByteBuffer.allocate(3 * 1024 * 1024), true);

    assertThat(raw.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    fleet.dispatch("after-oversize", "steady", "{\"hold_ms\": 10}");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().jobsSucceeded() == 1);
  }

  @Test
  void workerDropsAServerThatSendsGarbageOrOversizedFramesAndReconnects() throws Exception {
    try (BadServer bad = BadServer.start()) {
      AgentWorker worker =
          new AgentWorker(
              fleet.config("victim").http("127.0.0.1", -1).build().withUrl(bad.url()),
              context -> {});
      try (worker) {
        worker.start();
        // Connection 1 gets garbage, 2 an oversized frame, 3 stays quiet.
        await().atMost(Duration.ofSeconds(15)).until(() -> bad.registrations.get() >= 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().registered());
      }
    }
  }

  /** A raw agent-protocol client with a valid worker token. */
  private static final class RawSocket implements WebSocket.Listener {
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    WebSocket ws;

    static RawSocket open(String url) throws Exception {
      AccessToken token = new AccessToken(TestFleet.KEY, TestFleet.SECRET);
      token.addGrants(new io.livekit.server.Agent(true));
      RawSocket raw = new RawSocket();
      raw.ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + token.toJwt())
              .buildAsync(URI.create(url + "/agent"), raw)
              .get(10, TimeUnit.SECONDS);
      return raw;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }

  /** Registers every worker, then misbehaves on the first two connections. */
  private static final class BadServer implements AutoCloseable {
    final AtomicInteger registrations = new AtomicInteger();
    private final Server jetty = new Server();

    static BadServer start() throws Exception {
      BadServer bad = new BadServer();
      ServerConnector connector = new ServerConnector(bad.jetty);
      connector.setHost("127.0.0.1");
      bad.jetty.addConnector(connector);
      bad.jetty.setHandler(
          WebSocketUpgradeHandler.from(
              bad.jetty,
              c -> c.addMapping("/agent", (req, resp, cb) -> new BadSocket(bad.registrations))));
      bad.jetty.start();
      return bad;
    }

    String url() {
      return "ws://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
      jetty.stop();
    }
  }

  /** Public because Jetty invokes listener methods through a public lookup. */
  public static final class BadSocket implements Session.Listener.AutoDemanding {
    private final AtomicInteger registrations;
    private Session session;

    BadSocket(AtomicInteger registrations) {
      this.registrations = registrations;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      WorkerMessage message;
      try {
        message = WorkerMessage.parseFrom(payload);
      } catch (Exception e) {
        return;
      } finally {
        callback.succeed();
      }
      if (!message.hasRegister()) {
        return;
      }
      int n = registrations.incrementAndGet();
      ServerMessage registered =
          ServerMessage.newBuilder()
              .setRegister(RegisterWorkerResponse.newBuilder().setWorkerId("AW_bad" + n))
              .build();
      session.sendBinary(ByteBuffer.wrap(registered.toByteArray()), Callback.NOOP);
      if (n == 1) {
        session.sendBinary(
            ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}), Callback.NOOP);
      } else if (n == 2) {
        session.sendBinary(ByteBuffer.allocate(3 * 1024 * 1024), Callback.NOOP);
      }
    }
  }
}
