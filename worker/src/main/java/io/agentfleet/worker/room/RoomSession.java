package io.agentfleet.worker.room;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import io.agentfleet.media.AudioFrame;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.media.Transports;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitModels.UserPacket;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Ping;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant in one LiveKit room: {@code /rtc} signalling (protocol 15, two peer connections,
 * subscriber primary), audio in and out, user data packets, leave.
 *
 * <p>All signalling is handled on one thread per session, in arrival order, so descriptions and
 * candidates are applied in the order the server sent them. Peer-connection calls are made from
 * that thread with no lock held (a callback that needed one would deadlock libwebrtc's signaling
 * thread). A lost signalling connection ends the session: the job then ends as failed rather than
 * resuming (reconnect is not implemented).
 */
public final class RoomSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomSession.class);
  public static final int PROTOCOL = 15;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);

  /** One client for every session: each JDK HttpClient keeps a selector thread until collected. */
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final MediaEngine engine;
  private final ExecutorService signal;
  private final ScheduledExecutorService timers;
  private final BlockingQueue<AudioFrame> audioIn = new ArrayBlockingQueue<>(500);
  private final BlockingQueue<DataMessage> dataIn = new ArrayBlockingQueue<>(1000);
  private final Map<String, ParticipantInfo> remotes = new ConcurrentHashMap<>();
  private final Map<String, String> identityByTrackSid = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<TrackInfo>> pendingTracks = new ConcurrentHashMap<>();
  private final CompletableFuture<JoinResponse> joined = new CompletableFuture<>();
  private final CompletableFuture<String> ended = new CompletableFuture<>();

  private WebSocket socket;
  // Set on the signalling thread when the server's join arrives.
  private volatile Transports transports;
  private volatile long lastMessageNanos = System.nanoTime();
  private volatile boolean sawCaller;
  private volatile boolean closed;

  private RoomSession(MediaEngine engine, String identityHint) {
    this.engine = engine;
    this.signal = Executors.newSingleThreadExecutor(r -> daemon(r, "room-signal-" + identityHint));
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "room-timer"));
  }

  /**
   * Joins the room the token names. Returns once the server's {@code join} arrived; media connects
   * in the background.
   *
   * @param url the LiveKit URL, e.g. {@code ws://host:7880}
   */
  public static RoomSession join(MediaEngine engine, String url, String token) throws Exception {
    RoomSession session = new RoomSession(engine, Integer.toHexString(token.hashCode()));
    try {
      session.open(url, token);
      session.joined.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return session;
    } catch (Exception e) {
      session.close();
      throw e;
    }
  }

  private void open(String url, String token) {
    String base = url.replaceFirst("^http", "ws");
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI uri =
        URI.create(
            base
                + "/rtc?access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&protocol="
                + PROTOCOL
                + "&auto_subscribe=1&adaptive_stream=0&version=0.1.0&os=java");
    socket =
        HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, new Listener())
            .join();
  }

  /** The server's join reply: room, this participant, the others. */
  public JoinResponse joinResponse() {
    return joined.getNow(null);
  }

  public String identity() {
    return joinResponse().getParticipant().getIdentity();
  }

  /** The other participants now in the room, by identity. */
  public Map<String, ParticipantInfo> remoteParticipants() {
    Map<String, ParticipantInfo> byIdentity = new java.util.HashMap<>();
    remotes.values().forEach(p -> byIdentity.put(p.getIdentity(), p));
    return byIdentity;
  }

  /** Waits until a non-agent participant is in the room; false if none came in time. */
  public boolean awaitCaller(Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (!isEnded()) {
      if (remotes.values().stream().anyMatch(p -> p.getKind() != ParticipantInfo.Kind.AGENT)) {
        return true;
      }
      if (System.nanoTime() - end > 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** True once a non-agent participant was here and none is left: the call is over. */
  public boolean callersGone() {
    return sawCaller
        && remotes.values().stream().noneMatch(p -> p.getKind() != ParticipantInfo.Kind.AGENT);
  }

  /** Completes with a reason when the session ended (left, removed, or connection lost). */
  public CompletableFuture<String> ended() {
    return ended;
  }

  public boolean isEnded() {
    return ended.isDone();
  }

  /** The next 10 ms frame heard from any remote participant, or empty after {@code wait}. */
  public Optional<AudioFrame> pollAudio(Duration wait) throws InterruptedException {
    return Optional.ofNullable(audioIn.poll(wait.toNanos(), TimeUnit.NANOSECONDS));
  }

  public Optional<DataMessage> pollData(Duration wait) throws InterruptedException {
    return Optional.ofNullable(dataIn.poll(wait.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * Publishes a microphone track and returns where to push its frames.
   *
   * @param bufferFrames how many frames a producer may queue ahead of real time
   */
  public AudioOutput publishAudio(String name, int bufferFrames) throws Exception {
    String cid = engine.nextTrackId("TR_local_");
    CompletableFuture<TrackInfo> published = new CompletableFuture<>();
    pendingTracks.put(cid, published);
    send(
        SignalRequest.newBuilder()
            .setAddTrack(
                AddTrackRequest.newBuilder()
                    .setCid(cid)
                    .setName(name)
                    .setType(TrackType.AUDIO)
                    .setSource(TrackSource.MICROPHONE))
            .build());
    published.get(10, TimeUnit.SECONDS);
    CompletableFuture<AudioOutput> made = new CompletableFuture<>();
    signal.execute(
        () -> {
          try {
            // The new send stream starts once the answer is applied on a connected transport.
            CompletableFuture<Void> settled = new CompletableFuture<>();
            engine.holdPushesUntil(settled);
            AudioOutput output = transports.sendAudio(cid, cid, bufferFrames);
            transports
                .negotiate()
                .thenCombine(transports.connected(SignalTarget.PUBLISHER), (a, b) -> null)
                .whenComplete((v, e) -> settled.complete(null));
            made.complete(output);
          } catch (Exception e) {
            made.completeExceptionally(e);
          }
        });
    return made.get(15, TimeUnit.SECONDS);
  }

  /** Sends a user data packet to everyone in the room over {@code _reliable} or {@code _lossy}. */
  public void sendData(byte[] payload, String topic, boolean reliably) throws Exception {
    Transports media = transports;
    if (media == null) {
      throw new IllegalStateException("not joined");
    }
    DataPacket.Kind kind = reliably ? DataPacket.Kind.RELIABLE : DataPacket.Kind.LOSSY;
    // A packet sent before the publisher connection is up would be lost: wait for it.
    media.channelOpen(kind).get(10, TimeUnit.SECONDS);
    DataPacket packet =
        DataPacket.newBuilder()
            .setKind(kind)
            .setParticipantIdentity(identity())
            .setUser(
                UserPacket.newBuilder()
                    .setPayload(ByteString.copyFrom(payload))
                    .setTopic(topic)
                    .setParticipantIdentity(identity()))
            .build();
    if (!media.send(packet)) {
      throw new IllegalStateException("data channel closed");
    }
  }

  /** Leaves the room and frees everything native; safe to call more than once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (socket != null && joined.isDone() && !ended.isDone()) {
      try {
        send(
            SignalRequest.newBuilder()
                .setLeave(
                    LeaveRequest.newBuilder()
                        .setReason(DisconnectReason.CLIENT_INITIATED)
                        .setAction(LeaveRequest.Action.DISCONNECT))
                .build());
      } catch (RuntimeException e) {
        LOG.debug("leave not sent", e);
      }
    }
    end("left");
    if (socket != null) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "leave").exceptionally(e -> null);
      socket.abort();
    }
    // Close on the signal thread so no negotiation runs concurrently; then free in the order the
    // probe found safe: connections, then sources (never the tracks).
    CompletableFuture<Void> released = new CompletableFuture<>();
    try {
      signal.execute(
          () -> {
            releaseNative();
            released.complete(null);
          });
      released.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("releasing the room session timed out", e);
    }
    signal.shutdownNow();
    timers.shutdownNow();
  }

  private void releaseNative() {
    Transports media = transports;
    if (media != null) {
      media.release();
    }
  }

  private void end(String reason) {
    if (ended.complete(reason)) {
      LOG.info("room session ended: {}", reason);
      joined.completeExceptionally(new IllegalStateException("session ended: " + reason));
    }
  }

  // ---- signalling, on the signal thread ----

  private void onMessage(SignalResponse message) {
    lastMessageNanos = System.nanoTime();
    if (closed) {
      return;
    }
    try {
      switch (message.getMessageCase()) {
        case JOIN -> onJoin(message.getJoin());
        case OFFER -> onSubscriberOffer(message.getOffer());
        case ANSWER -> transports.answered(message.getAnswer());
        case TRICKLE -> onTrickle(message.getTrickle());
        case UPDATE -> message.getUpdate().getParticipantsList().forEach(this::onParticipant);
        case TRACK_PUBLISHED -> {
          CompletableFuture<TrackInfo> pending =
              pendingTracks.remove(message.getTrackPublished().getCid());
          if (pending != null) {
            pending.complete(message.getTrackPublished().getTrack());
          }
        }
        case LEAVE -> end("server asked to leave: " + message.getLeave().getReason());
        default -> {
          // pong, speakers, quality, request_response OK...: nothing to do for an audio agent.
        }
      }
    } catch (Exception e) {
      LOG.warn("signal {} failed", message.getMessageCase(), e);
      end("signalling failed: " + e.getMessage());
    }
  }

  private void onJoin(JoinResponse join) throws Exception {
    List<RTCIceServer> ice = new ArrayList<>();
    join.getIceServersList()
        .forEach(
            s -> {
              RTCIceServer server = new RTCIceServer();
              server.urls.addAll(s.getUrlsList());
              server.username = s.getUsername();
              server.password = s.getCredential();
              ice.add(server);
            });
    join.getOtherParticipantsList().forEach(this::onParticipant);
    transports = Transports.open(engine, Transports.End.CLIENT, ice, signal, new Media());
    int interval = join.getPingInterval() > 0 ? join.getPingInterval() : 5;
    int timeout = join.getPingTimeout() > 0 ? join.getPingTimeout() : 15;
    timers.scheduleAtFixedRate(() -> ping(timeout), interval, interval, TimeUnit.SECONDS);
    joined.complete(join);
    transports.negotiate();
  }

  private void ping(int timeoutSeconds) {
    if (System.nanoTime() - lastMessageNanos > TimeUnit.SECONDS.toNanos(timeoutSeconds)) {
      end("server silent for " + timeoutSeconds + " s");
      return;
    }
    send(
        SignalRequest.newBuilder()
            .setPingReq(Ping.newBuilder().setTimestamp(System.currentTimeMillis()))
            .build());
  }

  private void onParticipant(ParticipantInfo p) {
    if (joined.isDone()
        && joinResponse() != null
        && p.getSid().equals(joinResponse().getParticipant().getSid())) {
      return;
    }
    if (p.getState() == ParticipantInfo.State.DISCONNECTED) {
      remotes.remove(p.getSid());
    } else {
      remotes.put(p.getSid(), p);
      if (p.getKind() != ParticipantInfo.Kind.AGENT) {
        sawCaller = true;
      }
    }
    p.getTracksList().forEach(t -> identityByTrackSid.put(t.getSid(), p.getIdentity()));
  }

  private void onSubscriberOffer(livekit.LivekitRtc.SessionDescription offer) throws Exception {
    send(SignalRequest.newBuilder().setAnswer(transports.answer(offer)).build());
  }

  private void onTrickle(TrickleRequest trickle) {
    Transports media = transports;
    if (media != null) {
      media.trickled(trickle);
    }
  }

  private void send(SignalRequest request) {
    WebSocket ws = socket;
    if (ws == null || ws.isOutputClosed()) {
      return;
    }
    synchronized (this) {
      // The JDK WebSocket allows one outstanding send; wait for each before the next.
      ws.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
    }
  }

  // ---- callbacks from libwebrtc's threads: never block, never throw ----

  private final class Media implements Transports.Listener {
    @Override
    public void offer(livekit.LivekitRtc.SessionDescription offer) {
      send(SignalRequest.newBuilder().setOffer(offer).build());
    }

    @Override
    public void trickle(TrickleRequest trickle) {
      send(SignalRequest.newBuilder().setTrickle(trickle).build());
    }

    @Override
    public void connectionChanged(SignalTarget target, RTCPeerConnectionState state) {
      if (state == RTCPeerConnectionState.FAILED) {
        end(target + " peer connection failed");
      }
    }

    @Override
    public void audioTrack(AudioTrack audio) {
      String trackSid = audio.getId();
      audio.addSink(
          MediaEngine.sink(
              () -> identityByTrackSid.getOrDefault(trackSid, ""),
              frame -> {
                while (!audioIn.offer(frame)) {
                  audioIn.poll(); // a slow agent hears the newest audio, not stale audio
                }
              }));
    }

    @Override
    public void data(DataPacket packet) {
      if (packet.hasUser()) {
        String from =
            packet.getParticipantIdentity().isEmpty()
                ? packet.getUser().getParticipantIdentity()
                : packet.getParticipantIdentity();
        dataIn.offer(
            new DataMessage(
                from, packet.getUser().getTopic(), packet.getUser().getPayload().toByteArray()));
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partial.writeBytes(chunk);
      if (last) {
        byte[] whole = partial.toByteArray();
        partial.reset();
        try {
          SignalResponse message = SignalResponse.parseFrom(whole);
          signal.execute(() -> onMessage(message));
        } catch (InvalidProtocolBufferException e) {
          LOG.warn("undecodable signal message ({} bytes)", whole.length);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          // The session is closing.
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      // After the messages before it (a leave usually precedes the close).
      endInOrder("signal connection closed (" + status + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      endInOrder("signal connection lost: " + error.getMessage());
    }

    private void endInOrder(String reason) {
      try {
        signal.execute(() -> end(reason));
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        end(reason);
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
