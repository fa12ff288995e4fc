package io.agentfleet.devserver.rtc;

import io.agentfleet.devserver.auth.AuthException;
import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.devserver.auth.TokenVerifier;
import io.agentfleet.devserver.room.RoomNotFoundException;
import io.agentfleet.devserver.room.Rooms;
import io.agentfleet.devserver.webhook.WebhookNotifier;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.media.MediaUnavailableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.ServerInfo;
import livekit.LivekitRoom.CreateRoomRequest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rtc} signalling: checks the join token, creates the room if needed (as {@code
 * room.auto_create}), and hands the socket to a {@link RtcParticipant} of that room's {@link
 * RtcRoom}. The WebRTC engine is created on the first join, so a devserver without the native
 * library still serves everything else.
 */
public final class RtcService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RtcService.class);

  private final TokenVerifier verifier;
  private final Rooms rooms;
  private final WebhookNotifier webhooks;
  private final ServerInfo serverInfo;
  private final Map<String, RtcRoom> live = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> departures = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers;
  private MediaEngine engine; // guarded by this

  /** Why a join was refused, with the HTTP status the real server would answer. */
  public static final class JoinRejected extends Exception {
    private final int status;

    JoinRejected(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public RtcService(
      TokenVerifier verifier,
      Rooms rooms,
      WebhookNotifier webhooks,
      ServerInfo serverInfo,
      ScheduledExecutorService timers) {
    this.timers = timers;
    this.verifier = verifier;
    this.rooms = rooms;
    this.webhooks = webhooks;
    this.serverInfo = serverInfo;
  }

  /** The claims of a join request, from {@code Authorization: Bearer} or {@code access_token}. */
  Claims authorize(Request request) throws JoinRejected {
    Claims claims;
    try {
      String token =
          TokenVerifier.tokenFrom(
              request.getHeaders().get(HttpHeader.AUTHORIZATION),
              Request.extractQueryParameters(request).getValue("access_token"));
      claims = verifier.verify(token);
    } catch (AuthException e) {
      throw new JoinRejected(401, e.getMessage());
    }
    if (!claims.grant("roomJoin")) {
      throw new JoinRejected(401, "permissions denied");
    }
    if (claims.identity().isEmpty()) {
      throw new JoinRejected(400, "identity cannot be empty");
    }
    if (claims.room().isEmpty()) {
      throw new JoinRejected(400, "no room name");
    }
    return claims;
  }

  /** The socket for an authorized join. */
  public Session.Listener newSocket(Request request) throws JoinRejected {
    Claims claims = authorize(request);
    MediaEngine media;
    try {
      media = engine();
    } catch (MediaUnavailableException e) {
      LOG.warn("refusing /rtc join: {}", e.getMessage());
      throw new JoinRejected(503, "media unavailable on this devserver: " + e.getMessage());
    }
    String name = claims.room();
    if (rooms.room(name).isEmpty()) {
      rooms.createRoom(CreateRoomRequest.newBuilder().setName(name).build());
    }
    RtcRoom room =
        live.computeIfAbsent(
            name,
            n ->
                new RtcRoom(
                    n,
                    rooms,
                    media,
                    webhooks,
                    this::roomEmpty,
                    this::callersGone,
                    this::callerJoined));
    return new RtcParticipant(room, claims, serverInfo);
  }

  /** Participants now connected to a room, for {@code ListParticipants} and tests. */
  public java.util.List<livekit.LivekitModels.ParticipantInfo> participants(String room) {
    RtcRoom r = live.get(room);
    return r == null ? java.util.List.of() : r.participantInfos();
  }

  /** Closes every participant of a deleted room. */
  public void roomDeleted(String name) {
    RtcRoom room = live.remove(name);
    if (room != null) {
      room.closeAll();
    }
  }

  /**
   * The room closes {@code departure_timeout} seconds after its last caller left, as on LiveKit.
   */
  private void callersGone(RtcRoom room) {
    long seconds = Math.max(0, room.info().getDepartureTimeout());
    ScheduledFuture<?> close =
        timers.schedule(
            () -> {
              departures.remove(room.name());
              try {
                LOG.info("closing room {}: no caller for {} s", room.name(), seconds);
                rooms.deleteRoom(room.name());
              } catch (RoomNotFoundException alreadyGone) {
                // Deleted through the API meanwhile.
              }
            },
            seconds,
            TimeUnit.SECONDS);
    ScheduledFuture<?> previous = departures.put(room.name(), close);
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private void callerJoined(RtcRoom room) {
    ScheduledFuture<?> pending = departures.remove(room.name());
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void roomEmpty(RtcRoom room) {
    live.remove(room.name(), room);
  }

  private synchronized MediaEngine engine() throws MediaUnavailableException {
    if (engine == null) {
      engine = MediaEngine.create();
    }
    return engine;
  }

  @Override
  public void close() {
    live.values().forEach(RtcRoom::closeAll);
    live.clear();
    MediaEngine e;
    synchronized (this) {
      e = engine;
      engine = null;
    }
    if (e != null) {
      e.close();
    }
  }
}
