package io.agentfleet.devserver.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import io.agentfleet.devserver.room.Room;
import io.agentfleet.devserver.room.Rooms;
import io.agentfleet.devserver.webhook.WebhookEvents;
import io.agentfleet.devserver.webhook.WebhookNotifier;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.media.MediaEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import livekit.LivekitModels;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;

/**
 * The media side of one room: who is connected, which audio tracks are published, and the relay
 * that copies every published track's decoded frames to one output per other participant (decode
 * and re-encode: a relay, not an SFU). Data packets are forwarded the same way.
 */
final class RtcRoom {
  private final String name;
  private final Rooms rooms;
  private final MediaEngine engine;
  private final WebhookNotifier webhooks;
  private final ScheduledExecutorService timers;
  private final Map<String, RtcParticipant> participants = new ConcurrentHashMap<>();
  private final Map<String, PublishedTrack> tracks = new ConcurrentHashMap<>();
  // Unix seconds, as livekit-server keeps them for its idle-room rule (0 = never).
  private volatile long firstCallerJoinedAt;
  private volatile long lastLeftAt;

  /** A track some participant publishes and the outputs it feeds, one per subscriber. */
  record PublishedTrack(String ownerSid, TrackInfo info, List<AudioOutput> listeners) {}

  RtcRoom(
      String name,
      Rooms rooms,
      MediaEngine engine,
      WebhookNotifier webhooks,
      ScheduledExecutorService timers) {
    this.name = name;
    this.rooms = rooms;
    this.engine = engine;
    this.webhooks = webhooks;
    this.timers = timers;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  /**
   * Whether the room has stood idle long enough to close, by livekit-server's rule ({@code
   * Room.CloseIfEmpty}): only agents (or nobody) left in it, and {@code departure_timeout} seconds
   * since the last participant left, if a caller ever joined, else {@code empty_timeout} seconds
   * since the room was created. Agents never keep a room open.
   */
  boolean idle(LivekitModels.Room room, long nowSeconds) {
    if (!participants.values().stream().allMatch(RtcParticipant::isAgent)) {
      return false;
    }
    if (firstCallerJoinedAt > 0 && lastLeftAt > 0) {
      return nowSeconds - lastLeftAt >= room.getDepartureTimeout();
    }
    return nowSeconds - room.getCreationTime() >= room.getEmptyTimeout();
  }

  String name() {
    return name;
  }

  MediaEngine engine() {
    return engine;
  }

  LivekitModels.Room info() {
    return rooms
        .room(name)
        .map(Room::info)
        .orElse(LivekitModels.Room.newBuilder().setName(name).build())
        .toBuilder()
        .setNumParticipants(participants.size())
        .build();
  }

  List<ParticipantInfo> participantInfos() {
    return participants.values().stream().map(RtcParticipant::info).toList();
  }

  List<ParticipantInfo> othersOf(RtcParticipant p) {
    return participants.values().stream().filter(q -> q != p).map(RtcParticipant::info).toList();
  }

  /** Tracks p should receive at once: everyone else's. */
  List<PublishedTrack> tracksFor(RtcParticipant p) {
    return tracks.values().stream().filter(t -> !t.ownerSid().equals(p.sid())).toList();
  }

  /**
   * Adds p and returns everyone else, in one step. Two participants joining at once each run on
   * their own thread: with a separate look and add, each could miss the other (neither in the
   * other's join response, nor announced to it), and an agent would wait for a caller who is there.
   * Now the later one sees the earlier in its list, and the earlier hears of the later from {@link
   * #joined}.
   */
  synchronized List<ParticipantInfo> admit(RtcParticipant p) {
    List<ParticipantInfo> others = othersOf(p);
    participants.put(p.sid(), p);
    return others;
  }

  /** Announces an admitted participant to the others and the room's launch points. */
  void joined(RtcParticipant p) {
    if (!p.isAgent()) {
      if (firstCallerJoinedAt == 0) {
        firstCallerJoinedAt = java.time.Instant.now().getEpochSecond();
      }
      rooms.participantJoined(name, p.info());
    }
    for (RtcParticipant q : participants.values()) {
      if (q != p) {
        q.participantChanged(p.info());
      }
    }
  }

  /**
   * The participant's first connection is up ({@code ACTIVE}): livekit-server sends {@code
   * participant_joined} only now, so a participant whose media never connects is never announced.
   */
  void active(RtcParticipant p) {
    webhooks.send(WebhookEvents.participant(WebhookEvents.PARTICIPANT_JOINED, info(), p.info()));
  }

  void published(RtcParticipant owner, TrackInfo info, AudioTrack audio) {
    if (owner.info().getTracksCount() == 1) {
      rooms.participantPublished(name, owner.info());
    }
    PublishedTrack track = new PublishedTrack(owner.sid(), info, new CopyOnWriteArrayList<>());
    tracks.put(info.getSid(), track);
    audio.addSink(
        MediaEngine.sink(
            () -> owner.identity(),
            frame -> track.listeners().forEach(out -> out.offerDroppingOldest(frame))));
    webhooks.send(
        WebhookEvents.participant(WebhookEvents.TRACK_PUBLISHED, info(), owner.reference())
            .setTrack(info));
    for (RtcParticipant q : participants.values()) {
      if (q != owner) {
        q.participantChanged(owner.info());
        q.subscribe(track);
      }
    }
  }

  /**
   * Removes p, then tells the others and the webhooks as livekit-server does: one {@code
   * track_unpublished} per track p published, then {@code participant_left} with the reason.
   */
  void left(RtcParticipant p, DisconnectReason reason) {
    if (participants.remove(p.sid()) == null) {
      return;
    }
    lastLeftAt = java.time.Instant.now().getEpochSecond();
    List<PublishedTrack> gone = new ArrayList<>();
    tracks.values().removeIf(t -> t.ownerSid().equals(p.sid()) && gone.add(t));
    gone.forEach(t -> t.listeners().clear());
    // p's outputs on others' tracks stop being fed; p disposes them itself.
    tracks.values().forEach(t -> t.listeners().removeIf(p::owns));
    ParticipantInfo disconnected =
        p.info().toBuilder()
            .clearTracks() // unpublished first, as on livekit-server
            .setState(ParticipantInfo.State.DISCONNECTED)
            .setDisconnectReason(reason)
            .setVersion(p.info().getVersion() + 1)
            .build();
    participants.values().forEach(q -> q.participantChanged(disconnected));
    LivekitModels.Room room = info();
    for (PublishedTrack t : gone) {
      webhooks.send(
          WebhookEvents.participant(WebhookEvents.TRACK_UNPUBLISHED, room, p.reference())
              .setTrack(t.info()));
    }
    webhooks.send(WebhookEvents.participant(WebhookEvents.PARTICIPANT_LEFT, room, disconnected));
  }

  void data(RtcParticipant from, DataPacket packet) {
    List<String> to = packet.getDestinationIdentitiesList();
    for (RtcParticipant q : participants.values()) {
      if (q != from && (to.isEmpty() || to.contains(q.identity()))) {
        q.deliver(packet);
      }
    }
  }

  void closeAll(DisconnectReason reason) {
    participants.values().forEach(p -> p.removeFromRoom(reason));
  }
}
