package io.agentfleet.devserver.rtc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import io.agentfleet.devserver.agent.Ids;
import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.media.Transports;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.ServerInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.ParticipantUpdate;
import livekit.LivekitRtc.Pong;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.TrickleRequest;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's {@code /rtc} socket and its two peer connections, as the real server runs them
 * for a v0 client with protocol above 2: the server offers on the subscriber connection (with
 * {@code _reliable} and {@code _lossy} channels and everyone else's tracks) right after {@code
 * join}; the client offers on the publisher connection after {@code add_track}.
 *
 * <p>Every signalling step runs on this participant's own thread, in order; peer-connection calls
 * are made there with no lock held.
 */
public final class RtcParticipant implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(RtcParticipant.class);

  /** Frames a relay output may hold: 100 ms absorbs jitter between the sink and the pump. */
  private static final int RELAY_FRAMES = 10;

  private static final int MAX_HELD_PACKETS = 1000;

  /**
   * How long a participant whose signal connection dropped without a {@code leave} stays in the
   * room. livekit-server keeps such a participant for a resume until its media transport fails (ICE
   * disconnected after 10 s, failed 5 s later) and then 5 s more ({@code
   * disconnectCleanupDuration}), and removes it with {@code CONNECTION_TIMEOUT}: 21 s after a
   * SIGKILL in {@code CallParityTest}. The devserver has no resume, but keeps the same timing so
   * webhooks and room lifetimes read the same on both servers.
   */
  static final Duration LOST_CONNECTION_TIMEOUT = Duration.ofSeconds(20);

  /** livekit-server's {@code disconnectCleanupDuration}: from a failed transport to the removal. */
  static final Duration DISCONNECT_CLEANUP = Duration.ofSeconds(5);

  private final RtcRoom room;
  private final Claims claims;
  private final ServerInfo serverInfo;
  private final String sid = Ids.next("PA_");
  private final ExecutorService signal;
  private final Map<String, TrackInfo> pendingTracks = new LinkedHashMap<>(); // by cid
  private final List<TrackInfo> published = new ArrayList<>();
  private final List<DataPacket> heldPackets = new ArrayList<>(); // signal thread only
  private final java.util.Set<String> subscribedTracks = new java.util.HashSet<>(); // signal thread
  private volatile ParticipantInfo info;
  private volatile Session session;
  // Set on the signal thread when the participant starts.
  private volatile Transports transports;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicBoolean announced =
      new java.util.concurrent.atomic.AtomicBoolean();

  RtcParticipant(RtcRoom room, Claims claims, ServerInfo serverInfo) {
    this.room = room;
    this.claims = claims;
    this.serverInfo = serverInfo;
    this.signal =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "rtc-" + claims.identity());
              t.setDaemon(true);
              return t;
            });
    Instant now = Instant.now();
    this.info =
        ParticipantInfo.newBuilder()
            .setSid(sid)
            .setIdentity(claims.identity())
            .setName(claims.name())
            .setMetadata(claims.metadata())
            .putAllAttributes(claims.attributes())
            .setState(ParticipantInfo.State.JOINED)
            .setKind(
                "agent".equals(claims.kind())
                    ? ParticipantInfo.Kind.AGENT
                    : ParticipantInfo.Kind.STANDARD)
            .setJoinedAt(now.getEpochSecond())
            .setJoinedAtMs(now.toEpochMilli())
            .setPermission(
                ParticipantPermission.newBuilder()
                    .setCanSubscribe(claims.grantOrTrue("canSubscribe"))
                    .setCanPublish(claims.grantOrTrue("canPublish"))
                    .setCanPublishData(claims.grantOrTrue("canPublishData"))
                    .setCanUpdateMetadata(claims.grant("canUpdateOwnMetadata"))
                    .setHidden(claims.grant("hidden"))
                    .setAgent(claims.grant("agent")))
            .setVersion(1)
            .build();
  }

  String sid() {
    return sid;
  }

  String identity() {
    return claims.identity();
  }

  ParticipantInfo info() {
    return info;
  }

  /** Just who it is, as livekit-server names the participant in {@code track_*} webhooks. */
  ParticipantInfo reference() {
    return ParticipantInfo.newBuilder().setSid(sid).setIdentity(identity()).build();
  }

  boolean isAgent() {
    return info.getKind() == ParticipantInfo.Kind.AGENT;
  }

  boolean owns(AudioOutput output) {
    Transports media = transports;
    return media != null && media.owns(output);
  }

  // ---- socket ----

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    run(this::start);
  }

  /** A client's signalling frame; anything undecodable is InvalidProtocolBufferException. */
  static SignalRequest decode(ByteBuffer payload) throws InvalidProtocolBufferException {
    return SignalRequest.parseFrom(payload);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    SignalRequest request;
    try {
      request = decode(payload);
    } catch (InvalidProtocolBufferException e) {
      LOG.warn("{}: undecodable signal frame", identity());
      return;
    } finally {
      callback.succeed();
    }
    run(() -> handle(request));
  }

  /**
   * Without a {@code leave} first, the client is gone but may not know it (a killed process): it
   * stays in the room for {@link #LOST_CONNECTION_TIMEOUT}, as on livekit-server.
   */
  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (closed) {
      return;
    }
    LOG.info(
        "{}: signal connection closed without leave; leaving {} in {} s",
        identity(),
        room.name(),
        LOST_CONNECTION_TIMEOUT.toSeconds());
    try {
      room.timers()
          .schedule(
              () -> removeFromRoom(DisconnectReason.CONNECTION_TIMEOUT),
              LOST_CONNECTION_TIMEOUT.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      removeFromRoom(DisconnectReason.CONNECTION_TIMEOUT);
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("{}: socket error {}", identity(), cause.toString());
  }

  // ---- signalling, on the signal thread ----

  private void start() throws Exception {
    transports =
        Transports.open(
            room.engine(), Transports.End.SERVER, List.of(), step -> run(step::run), new Media());
    // Reliable packets held until the channel opens go out then.
    transports
        .channelOpen(DataPacket.Kind.RELIABLE)
        .whenComplete((open, closing) -> run(this::flushHeldPackets));
    List<ParticipantInfo> others = room.admit(this);
    send(
        SignalResponse.newBuilder()
            .setJoin(
                JoinResponse.newBuilder()
                    .setRoom(room.info())
                    .setParticipant(info)
                    .addAllOtherParticipants(others)
                    .setSubscriberPrimary(true)
                    .setServerVersion(serverInfo.getVersion())
                    .setServerInfo(serverInfo)
                    .setPingInterval(5)
                    .setPingTimeout(15))
            .build());
    room.joined(this);
    // FastStart: what others already publish goes into the first subscriber offer.
    for (RtcRoom.PublishedTrack track : room.tracksFor(this)) {
      addRelayOutput(track);
    }
    negotiateSubscriber();
  }

  private void handle(SignalRequest request) throws Exception {
    switch (request.getMessageCase()) {
      case OFFER ->
          send(
              SignalResponse.newBuilder().setAnswer(transports.answer(request.getOffer())).build());
      case ANSWER -> transports.answered(request.getAnswer());
      case TRICKLE -> transports.trickled(request.getTrickle());
      case ADD_TRACK -> onAddTrack(request.getAddTrack());
      case LEAVE -> removeFromRoom(DisconnectReason.CLIENT_INITIATED);
      case PING_REQ ->
          send(
              SignalResponse.newBuilder()
                  .setPongResp(
                      Pong.newBuilder()
                          .setLastPingTimestamp(request.getPingReq().getTimestamp())
                          .setTimestamp(System.currentTimeMillis()))
                  .build());
      case PING -> send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
      default -> LOG.debug("{}: ignoring {}", identity(), request.getMessageCase());
    }
  }

  private void onAddTrack(AddTrackRequest add) {
    TrackInfo track =
        TrackInfo.newBuilder()
            .setSid(Ids.next("TR_"))
            .setType(add.getType())
            .setName(add.getName())
            .setSource(add.getSource())
            .setMuted(add.getMuted())
            .build();
    pendingTracks.put(add.getCid(), track);
    send(
        SignalResponse.newBuilder()
            .setTrackPublished(
                TrackPublishedResponse.newBuilder().setCid(add.getCid()).setTrack(track))
            .build());
  }

  private void negotiateSubscriber() throws Exception {
    CompletableFuture<Void> answered = transports.negotiate();
    // New relay tracks start sending once the answer is in and the transport is connected.
    room.engine()
        .holdPushesUntil(
            CompletableFuture.allOf(answered, transports.connected(SignalTarget.SUBSCRIBER)));
  }

  private void addRelayOutput(RtcRoom.PublishedTrack track) {
    // A track published while this participant joined is offered by both paths; relay it once.
    if (!subscribedTracks.add(track.info().getSid())) {
      return;
    }
    // Stream id "participantSid|trackSid", track id = track sid, as LiveKit names them.
    AudioOutput output =
        transports.sendAudio(
            track.info().getSid(), track.ownerSid() + "|" + track.info().getSid(), RELAY_FRAMES);
    track.listeners().add(output);
  }

  /** Another participant joined, changed or left: tell this client. */
  void participantChanged(ParticipantInfo other) {
    run(
        () ->
            send(
                SignalResponse.newBuilder()
                    .setUpdate(ParticipantUpdate.newBuilder().addParticipants(other))
                    .build()));
  }

  /** Auto-subscribe: relay a newly published track to this participant. */
  void subscribe(RtcRoom.PublishedTrack track) {
    run(
        () -> {
          addRelayOutput(track);
          negotiateSubscriber();
        });
  }

  void deliver(DataPacket packet) {
    run(() -> deliverNow(packet));
  }

  /**
   * Sends on the matching subscriber channel. Reliable packets that come before the channel exists
   * or is open (a participant greeted right after joining, before its subscriber connection is
   * negotiated) are held and sent when it opens.
   */
  private void deliverNow(DataPacket packet) {
    if (closed) {
      return;
    }
    Transports media = transports;
    boolean sent;
    try {
      sent = media != null && media.send(packet);
    } catch (Exception e) {
      LOG.debug("{}: data packet not delivered: {}", identity(), e.toString());
      return;
    }
    if (!sent
        && packet.getKind() != DataPacket.Kind.LOSSY
        && heldPackets.size() < MAX_HELD_PACKETS) {
      heldPackets.add(packet);
    }
  }

  private void flushHeldPackets() {
    Transports media = transports;
    if (media != null && media.channelOpen(DataPacket.Kind.RELIABLE).isDone()) {
      List<DataPacket> held = new ArrayList<>(heldPackets);
      heldPackets.clear();
      held.forEach(this::deliverNow);
    }
  }

  /**
   * Leaves the room (client leave, lost connection, room deleted or closed) and frees everything
   * native; {@code reason} is what {@code participant_left} and the client's {@code leave} say.
   */
  synchronized void removeFromRoom(DisconnectReason reason) {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("{} left {}: {}", identity(), room.name(), reason);
    room.left(this, reason);
    Session s = session;
    if (s != null && s.isOpen()) {
      if (reason != DisconnectReason.CLIENT_INITIATED) {
        sendNow(
            s,
            SignalResponse.newBuilder()
                .setLeave(
                    LeaveRequest.newBuilder()
                        .setReason(reason)
                        .setAction(LeaveRequest.Action.DISCONNECT))
                .build());
      }
      s.close();
    }
    try {
      signal.execute(this::release);
    } catch (RejectedExecutionException alreadyGone) {
      return;
    }
    signal.shutdown();
  }

  private void release() {
    Transports media = transports;
    if (media != null) {
      media.release();
    }
  }

  private void send(SignalResponse response) {
    Session s = session;
    if (s != null && s.isOpen() && !closed) {
      sendNow(s, response);
    }
  }

  private static void sendNow(Session s, SignalResponse response) {
    s.sendBinary(ByteBuffer.wrap(response.toByteArray()), Callback.NOOP);
  }

  private interface Step {
    void run() throws Exception;
  }

  private void run(Step step) {
    try {
      signal.execute(
          () -> {
            if (closed) {
              return;
            }
            try {
              step.run();
            } catch (Exception e) {
              LOG.warn("{}: signalling failed", identity(), e);
              removeFromRoom(DisconnectReason.STATE_MISMATCH);
            }
          });
    } catch (RejectedExecutionException closing) {
      // Already left.
    }
  }

  // ---- callbacks from libwebrtc's threads: never block, never throw ----

  private final class Media implements Transports.Listener {
    @Override
    public void offer(SessionDescription offer) {
      send(SignalResponse.newBuilder().setOffer(offer).build());
    }

    @Override
    public void trickle(TrickleRequest trickle) {
      send(SignalResponse.newBuilder().setTrickle(trickle).build());
    }

    @Override
    public void connectionChanged(SignalTarget target, RTCPeerConnectionState state) {
      if (state == RTCPeerConnectionState.CONNECTED
          && target == SignalTarget.SUBSCRIBER
          && announced.compareAndSet(false, true)) {
        info =
            info.toBuilder()
                .setState(ParticipantInfo.State.ACTIVE)
                .setVersion(info.getVersion() + 1)
                .build();
        room.active(RtcParticipant.this);
      } else if (state == RTCPeerConnectionState.FAILED) {
        // As livekit-server: a failed transport leaves the participant 5 s to come back.
        try {
          room.timers()
              .schedule(
                  () -> removeFromRoom(DisconnectReason.CONNECTION_TIMEOUT),
                  DISCONNECT_CLEANUP.toMillis(),
                  TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
          new Thread(() -> removeFromRoom(DisconnectReason.CONNECTION_TIMEOUT)).start();
        }
      }
    }

    @Override
    public void audioTrack(AudioTrack audio) {
      run(() -> trackArrived(audio));
    }

    @Override
    public void data(DataPacket packet) {
      room.data(
          RtcParticipant.this,
          packet.toBuilder().setParticipantIdentity(identity()).setParticipantSid(sid).build());
    }
  }

  /** Matches an incoming track to the first pending audio {@code add_track}, as the server does. */
  private void trackArrived(AudioTrack audio) {
    String cid = audio.getId();
    TrackInfo track = pendingTracks.remove(cid);
    if (track == null) {
      var first =
          pendingTracks.entrySet().stream()
              .filter(e -> e.getValue().getType() == TrackType.AUDIO)
              .findFirst();
      if (first.isEmpty()) {
        LOG.warn("{}: audio track {} arrived without add_track; ignored", identity(), cid);
        return;
      }
      track = pendingTracks.remove(first.get().getKey());
    }
    published.add(track);
    info =
        info.toBuilder()
            .addTracks(track)
            .setIsPublisher(true)
            .setVersion(info.getVersion() + 1)
            .build();
    room.published(this, track, audio);
  }
}
