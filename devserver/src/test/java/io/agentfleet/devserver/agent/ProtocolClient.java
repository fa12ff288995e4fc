package io.agentfleet.devserver.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.server.AccessToken;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;

/** A hand-driven agent-protocol client, for the server's side of the protocol frame by frame. */
public final class ProtocolClient implements WebSocket.Listener, AutoCloseable {
  public final BlockingQueue<ServerMessage> received = new LinkedBlockingQueue<>();
  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final StringBuilder partialText = new StringBuilder();
  private WebSocket ws;

  static String workerToken() {
    AccessToken token = new AccessToken("devkey", "secret");
    token.addGrants(new io.livekit.server.Agent(true));
    return token.toJwt();
  }

  static ProtocolClient connect(String url) throws Exception {
    return connect(url, workerToken());
  }

  static ProtocolClient connect(String url, String token) throws Exception {
    ProtocolClient client = new ProtocolClient();
    client.ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(URI.create(url + "/agent"), client)
            .get(10, TimeUnit.SECONDS);
    return client;
  }

  /** Connects and registers; returns the worker id. */
  static ProtocolClient registered(String url, String agentName) throws Exception {
    return registered(url, workerToken(), agentName);
  }

  /** Connects with {@code token} and registers a JT_ROOM worker of {@code agentName}. */
  public static ProtocolClient registered(String url, String token, String agentName)
      throws Exception {
    ProtocolClient client = connect(url, token);
    client.send(
        WorkerMessage.newBuilder()
            .setRegister(
                RegisterWorkerRequest.newBuilder()
                    .setAgentName(agentName)
                    .setType(JobType.JT_ROOM)
                    .setVersion("test"))
            .build());
    ServerMessage reply = client.next();
    if (!reply.hasRegister()) {
      throw new AssertionError("expected register reply, got " + reply);
    }
    return client;
  }

  public void send(WorkerMessage message) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(message.toByteArray()), true).get(5, TimeUnit.SECONDS);
  }

  void sendText(String json) throws Exception {
    ws.sendText(json, true).get(5, TimeUnit.SECONDS);
  }

  public ServerMessage next() throws InterruptedException {
    ServerMessage m = received.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no server message within 10 s");
    }
    return m;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.writeBytes(chunk);
    if (last) {
      try {
        received.add(ServerMessage.parseFrom(partial.toByteArray()));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
      partial.reset();
    }
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partialText.append(data);
    if (last) {
      texts.add(partialText.toString());
      partialText.setLength(0);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }

  @Override
  public void close() {
    ws.abort();
  }
}
