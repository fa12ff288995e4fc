package io.agentfleet.devserver.webhook;

import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * The webhook events the devserver emits, named as in the real server's {@code webhook/consts.go}.
 */
public final class WebhookEvents {
  public static final String ROOM_STARTED = "room_started";
  public static final String ROOM_FINISHED = "room_finished";
  public static final String PARTICIPANT_JOINED = "participant_joined";
  public static final String PARTICIPANT_LEFT = "participant_left";
  public static final String TRACK_PUBLISHED = "track_published";
  public static final String TRACK_UNPUBLISHED = "track_unpublished";

  private WebhookEvents() {}

  public static WebhookEvent.Builder room(String event, Room room) {
    return WebhookEvent.newBuilder().setEvent(event).setRoom(room);
  }

  public static WebhookEvent.Builder participant(
      String event, Room room, ParticipantInfo participant) {
    return room(event, room).setParticipant(participant);
  }
}
