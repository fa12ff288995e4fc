package io.agentfleet.operator.redispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.Test;

class RoomWatchTest {

  static final Instant T = Instant.parse("2026-12-03T20:00:00Z");

  @Test
  void anAgentLostWhileTheCallerStaysIsReportedAndWakesTheListeners() {
    RoomWatch watch = new RoomWatch();
    AtomicInteger woken = new AtomicInteger();
    watch.onAgentLost(woken::incrementAndGet);
    watch.joined("call-1", "caller", false);
    watch.joined("call-1", "agent-A", true);
    assertThat(watch.withLostAgents()).isEmpty();

    watch.left("call-1", "agent-A", true, DisconnectReason.SIGNAL_CLOSE, T);

    assertThat(woken).hasValue(1);
    assertThat(watch.withLostAgents())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.callers()).containsExactly("caller");
              assertThat(r.agents()).isEmpty();
              assertThat(r.lastDeparture())
                  .contains(new AgentDeparture("agent-A", T, DisconnectReason.SIGNAL_CLOSE));
            });
  }

  @Test
  void aCallThatEndsIsNotLost() {
    RoomWatch watch = new RoomWatch();
    AtomicInteger woken = new AtomicInteger();
    watch.onAgentLost(woken::incrementAndGet);
    watch.joined("call-1", "caller", false);
    watch.joined("call-1", "agent-A", true);

    watch.left("call-1", "caller", false, DisconnectReason.CLIENT_INITIATED, T);
    watch.left("call-1", "agent-A", true, DisconnectReason.CLIENT_INITIATED, T);
    watch.finished("call-1");

    assertThat(woken).hasValue(0);
    assertThat(watch.withLostAgents()).isEmpty();
    assertThat(watch.room("call-1")).isEmpty();
  }

  @Test
  void aNewAgentJoiningIsAnnouncedAndTheRoomIsServedAgain() {
    RoomWatch watch = new RoomWatch();
    List<String> joined = new ArrayList<>();
    watch.onAgentJoined(joined::add);
    watch.joined("call-1", "caller", false);
    watch.left("call-1", "agent-A", true, DisconnectReason.SIGNAL_CLOSE, T);
    watch.joined("call-1", "agent-B", true);

    assertThat(joined).containsExactly("call-1");
    assertThat(watch.withLostAgents()).isEmpty();
  }

  @Test
  void aRoomFirstHeardOfByADepartureIsNotJudged() {
    RoomWatch watch = new RoomWatch();
    watch.left("call-9", "agent-A", true, DisconnectReason.SIGNAL_CLOSE, T);
    assertThat(watch.withLostAgents()).isEmpty();
  }

  @Test
  void theWatchIsBounded() {
    RoomWatch watch = new RoomWatch();
    for (int i = 0; i < RoomWatch.MAX_ROOMS + 10; i++) {
      watch.joined("call-" + i, "caller", false);
    }
    assertThat(watch.room("call-0")).isEmpty();
    assertThat(watch.room("call-" + (RoomWatch.MAX_ROOMS + 9))).isPresent();
  }

  static WebhookEvent event(String name, String identity, ParticipantInfo.Kind kind, long at) {
    return WebhookEvent.newBuilder()
        .setEvent(name)
        .setRoom(livekit.LivekitModels.Room.newBuilder().setName("call-1"))
        .setParticipant(
            ParticipantInfo.newBuilder()
                .setIdentity(identity)
                .setKind(kind)
                .setDisconnectReason(
                    name.equals("participant_left")
                        ? DisconnectReason.CONNECTION_TIMEOUT
                        : DisconnectReason.UNKNOWN_REASON))
        .setCreatedAt(at)
        .build();
  }

  /** The webhooks as livekit-server sent them when an agent was killed (operator README). */
  @Test
  void webhooksAreReadWithTheServersTimeAndTheParticipantsKindAndReason() {
    RoomWatch watch = new RoomWatch();
    Instant received = T.plusSeconds(5);
    watch.apply(event("room_started", "", ParticipantInfo.Kind.STANDARD, 0), received);
    watch.apply(event("participant_joined", "caller", ParticipantInfo.Kind.STANDARD, 1), received);
    watch.apply(event("participant_joined", "agent-A", ParticipantInfo.Kind.AGENT, 1), received);
    watch.apply(
        event("participant_left", "agent-A", ParticipantInfo.Kind.AGENT, T.getEpochSecond()),
        received);

    assertThat(watch.withLostAgents())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.callers()).containsExactly("caller");
              assertThat(r.lastDeparture())
                  .contains(new AgentDeparture("agent-A", T, DisconnectReason.CONNECTION_TIMEOUT));
            });

    watch.apply(event("participant_left", "caller", ParticipantInfo.Kind.STANDARD, 0), received);
    assertThat(watch.withLostAgents()).isEmpty();
    watch.apply(event("room_finished", "", ParticipantInfo.Kind.STANDARD, 0), received);
    assertThat(watch.room("call-1")).isEmpty();
  }
}
