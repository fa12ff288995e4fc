package io.agentfleet.worker.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell around the agent protocol: keeps one {@code /agent} WebSocket open, registers on
 * each connect, reconnects with {@link Backoff}, and hands server messages to a {@link Listener}.
 * Only binary frames are used, as the Python and Node SDKs do.
 */
public final class AgentConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentConnection.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The largest server message accepted, as the server's own 2 MiB limit. */
  static final int MAX_MESSAGE = 2 * 1024 * 1024;

  /**
   * A socket that brings nothing, not even a pong to our pings, for this long is dead: a network
   * partition does not close TCP, and jobs must not wait hours for the kernel to notice. The Python
   * SDK uses a 30 s heartbeat the same way.
   */
  public static final Duration DEFAULT_SILENCE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One complete binary frame from the server as a message, or {@link MalformedFrame} when it is
   * not a ServerMessage or carries none; the connection is dropped then (a server that speaks
   * garbage is reconnected to, not trusted).
   */
  public static ServerMessage decode(byte[] frame) {
    ServerMessage message;
    try {
      message = ServerMessage.parseFrom(frame);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedFrame("undecodable frame of " + frame.length + " bytes");
    }
    if (message.getMessageCase() == ServerMessage.MessageCase.MESSAGE_NOT_SET) {
      throw new MalformedFrame("frame of " + frame.length + " bytes without a message");
    }
    return message;
  }

  /** A frame from the server that is not an agent-protocol message. */
  public static final class MalformedFrame extends IllegalArgumentException {
    public MalformedFrame(String message) {
      super(message);
    }
  }

  /** Receives connection events, on the connection's threads. */
  public interface Listener {
    void registered(RegisterWorkerResponse response);

    void message(ServerMessage message);

    void disconnected();
  }

  private final URI uri;
  private final Supplier<String> token;
  private final Supplier<RegisterWorkerRequest> registration;
  private final Backoff backoff;
  private final Duration silenceTimeout;
  private final Listener listener;
  private final HttpClient http;
  private final Object sendLock = new Object();
  private final Thread loop;
  private volatile boolean closed;
  private volatile WebSocket socket;
  private volatile boolean registered;

  public AgentConnection(
      URI uri,
      Supplier<String> token,
      Supplier<RegisterWorkerRequest> registration,
      Backoff backoff,
      Listener listener) {
    this(uri, token, registration, backoff, DEFAULT_SILENCE_TIMEOUT, listener);
  }

  public AgentConnection(
      URI uri,
      Supplier<String> token,
      Supplier<RegisterWorkerRequest> registration,
      Backoff backoff,
      Duration silenceTimeout,
      Listener listener) {
    this.silenceTimeout = silenceTimeout;
    this.uri = uri;
    this.token = token;
    this.registration = registration;
    this.backoff = backoff;
    this.listener = listener;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    this.loop = new Thread(this::run, "agent-connection");
    this.loop.setDaemon(true);
  }

  public void start() {
    loop.start();
  }

  /** Sends a message if registered; returns false (and drops it) otherwise. */
  public boolean send(WorkerMessage message) {
    WebSocket ws = socket;
    if (ws == null || !registered) {
      return false;
    }
    return write(ws, message);
  }

  private boolean write(WebSocket ws, WorkerMessage message) {
    // java.net.http allows one outstanding send at a time.
    synchronized (sendLock) {
      try {
        ws.sendBinary(ByteBuffer.wrap(message.toByteArray()), true)
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        LOG.debug("send failed: {}", e.toString());
        return false;
      }
    }
  }

  private void run() {
    int failures = 0;
    while (!closed) {
      Session session = new Session();
      try {
        session.connect();
        failures = 0;
        session.watch();
      } catch (Exception e) {
        if (!closed) {
          LOG.warn("agent connection to {} failed: {}", uri, rootMessage(e));
        }
        failures++;
        session.abort();
      } finally {
        boolean wasRegistered = registered;
        registered = false;
        socket = null;
        if (wasRegistered) {
          listener.disconnected();
        }
      }
      if (closed) {
        return;
      }
      Duration delay = backoff.delay(failures, ThreadLocalRandom.current());
      if (failures == 0) {
        // The socket dropped after a good session: count this as the first failure.
        failures = 1;
      }
      LOG.info("reconnecting to {} in {} ms", uri, delay.toMillis());
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** One socket's lifetime. */
  private final class Session implements WebSocket.Listener {
    final CompletableFuture<Void> closedSignal = new CompletableFuture<>();
    final CompletableFuture<RegisterWorkerResponse> registeredSignal = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile long lastHeard = System.nanoTime();
    private WebSocket ws;

    /** Waits for the socket to close; pings the server and drops the socket if it goes silent. */
    void watch() throws InterruptedException {
      long pingEvery = Math.max(1, silenceTimeout.toMillis() / 3);
      long lastPing = System.nanoTime();
      while (!closedSignal.isDone()) {
        try {
          closedSignal.get(Math.min(pingEvery, 1000), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
          // still open
        }
        long now = System.nanoTime();
        if (now - lastHeard > silenceTimeout.toNanos()) {
          dropConnection(ws, "nothing from the server for " + silenceTimeout.toMillis() + " ms");
          return;
        }
        if (now - lastPing >= TimeUnit.MILLISECONDS.toNanos(pingEvery)) {
          lastPing = now;
          ws.sendPing(ByteBuffer.allocate(0));
        }
      }
    }

    void connect() throws Exception {
      ws =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token.get())
              .connectTimeout(TIMEOUT)
              .buildAsync(uri, this)
              .get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      socket = ws;
      if (!write(ws, WorkerMessage.newBuilder().setRegister(registration.get()).build())) {
        throw new IllegalStateException("could not send registration");
      }
      RegisterWorkerResponse response =
          registeredSignal.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("registered worker {} with {}", response.getWorkerId(), uri);
    }

    void abort() {
      if (ws != null) {
        ws.abort();
      }
      closedSignal.complete(null);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      lastHeard = System.nanoTime();
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      lastHeard = System.nanoTime();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      lastHeard = System.nanoTime();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      lastHeard = System.nanoTime();
      if (partial.size() + data.remaining() > MAX_MESSAGE) {
        dropConnection(webSocket, "message larger than " + MAX_MESSAGE + " bytes");
        return null;
      }
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partial.writeBytes(chunk);
      if (last) {
        byte[] frame = partial.toByteArray();
        partial.reset();
        ServerMessage message;
        try {
          message = decode(frame);
        } catch (MalformedFrame e) {
          dropConnection(webSocket, e.getMessage());
          return null;
        }
        handle(message);
      }
      webSocket.request(1);
      return null;
    }

    private void handle(ServerMessage message) {
      if (!registeredSignal.isDone()) {
        if (message.hasRegister()) {
          // On the receiving thread, so the listener hears of the registration before any offer
          // that follows it, and can answer that offer.
          registered = true;
          listener.registered(message.getRegister());
          registeredSignal.complete(message.getRegister());
        } else {
          LOG.warn("ignoring {} before registration", message.getMessageCase());
        }
        return;
      }
      try {
        listener.message(message);
      } catch (RuntimeException e) {
        LOG.error("handling {} failed", message.getMessageCase(), e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      LOG.warn("ignoring a text frame from the server; the agent protocol is binary");
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (!closed) {
        LOG.warn("agent connection closed by server: {} {}", statusCode, reason);
      }
      registeredSignal.completeExceptionally(
          new IllegalStateException("closed: " + statusCode + " " + reason));
      closedSignal.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (!closed) {
        LOG.warn("agent connection error: {}", error.toString());
      }
      registeredSignal.completeExceptionally(error);
      closedSignal.complete(null);
    }

    private void dropConnection(WebSocket webSocket, String why) {
      LOG.warn("closing agent connection: {}", why);
      webSocket.abort();
      registeredSignal.completeExceptionally(new IllegalStateException(why));
      closedSignal.complete(null);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  @Override
  public void close() {
    closed = true;
    WebSocket ws = socket;
    if (ws != null) {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "worker closing").get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }
    loop.interrupt();
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
