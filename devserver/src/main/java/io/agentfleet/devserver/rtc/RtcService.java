package io.agentfleet.devserver.rtc;

import io.agentfleet.devserver.auth.AuthException;
import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.devserver.auth.TokenVerifier;
import io.agentfleet.devserver.room.RoomNotFoundException;
import io.agentfleet.devserver.room.Rooms;
import io.agentfleet.devserver.webhook.WebhookNotifier;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.media.MediaUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import livekit.LivekitModels.DisconnectReason;
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
  private final ScheduledExecutorService timers;
  private final ScheduledFuture<?> idleRooms;
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
    // livekit-server checks every second too (its backgroundWorker's CloseIdleRooms).
    this.idleRooms = timers.scheduleAtFixedRate(this::closeIdleRooms, 1, 1, TimeUnit.SECONDS);
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
    RtcRoom room = live.computeIfAbsent(name, n -> new RtcRoom(n, rooms, media, webhooks, timers));
    return new RtcParticipant(room, claims, serverInfo);
  }

  /** Participants now connected to a room, for {@code ListParticipants} and tests. */
  public java.util.List<livekit.LivekitModels.ParticipantInfo> participants(String room) {
    RtcRoom r = live.get(room);
    return r == null ? java.util.List.of() : r.participantInfos();
  }

  /** Closes every participant of a room deleted through the API. */
  public void roomDeleted(String name) {
    RtcRoom room = live.remove(name);
    if (room != null) {
      room.closeAll(DisconnectReason.ROOM_DELETED);
    }
  }

  /**
   * Closes the rooms that stood idle long enough ({@link RtcRoom#idle}), including rooms nobody
   * ever joined ({@code empty_timeout}): their agents leave with {@code ROOM_CLOSED}, their jobs
   * end, {@code room_finished} follows.
   */
  private void closeIdleRooms() {
    try {
      long now = Instant.now().getEpochSecond();
      for (LivekitModels.Room info : rooms.list(List.of())) {
        RtcRoom room = live.get(info.getName());
        boolean idle =
            room == null
                ? now - info.getCreationTime() >= info.getEmptyTimeout()
                : room.idle(info, now);
        if (!idle) {
          continue;
        }
        LOG.info("closing idle room {}", info.getName());
        if (room != null && live.remove(info.getName(), room)) {
          room.closeAll(DisconnectReason.ROOM_CLOSED);
        }
        try {
          rooms.deleteRoom(info.getName());
        } catch (RoomNotFoundException alreadyGone) {
          // Deleted through the API meanwhile.
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("closing idle rooms failed", e);
    }
  }

  private synchronized MediaEngine engine() throws MediaUnavailableException {
    if (engine == null) {
      engine = MediaEngine.create();
    }
    return engine;
  }

  @Override
  public void close() {
    idleRooms.cancel(false);
    live.values().forEach(r -> r.closeAll(DisconnectReason.SERVER_SHUTDOWN));
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
