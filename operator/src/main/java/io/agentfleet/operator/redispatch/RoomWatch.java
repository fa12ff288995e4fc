package io.agentfleet.operator.redispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * Who is in each room, as LiveKit's webhooks tell it: callers and agents joining and leaving, the
 * last agent that left and why, rooms finishing. Kept in memory, bounded: a finished room is
 * forgotten, and past {@link #MAX_ROOMS} the room heard of longest ago goes first.
 */
public final class RoomWatch {

  static final int MAX_ROOMS = 10_000;

  /**
   * More participants than this in one room are not tracked by identity (a broadcast, not a call).
   */
  static final int MAX_PARTICIPANTS = 256;

  private static final class Room {
    final Set<String> callers = new HashSet<>();
    final Set<String> agents = new HashSet<>();
    AgentDeparture lastDeparture;
  }

  private final Map<String, Room> rooms =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Room> eldest) {
          return size() > MAX_ROOMS;
        }
      };

  private final List<Runnable> agentLost = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> agentJoined = new CopyOnWriteArrayList<>();

  /** Called after an agent left a room that still has a caller. */
  public void onAgentLost(Runnable listener) {
    agentLost.add(listener);
  }

  /** Called with the room's name after an agent joined it. */
  public void onAgentJoined(Consumer<String> listener) {
    agentJoined.add(listener);
  }

  /**
   * Takes in one of LiveKit's webhooks: {@code participant_joined}, {@code participant_left} (with
   * the participant's {@code disconnect_reason} and the server's time of the event, so that it
   * compares with the server's dispatch times; the receipt time when the event has none) and {@code
   * room_finished}; others change nothing.
   */
  public void apply(WebhookEvent event, Instant received) {
    String room = event.hasRoom() ? event.getRoom().getName() : "";
    if (room.isEmpty()) {
      return;
    }
    ParticipantInfo participant = event.getParticipant();
    boolean agent = participant.getKind() == ParticipantInfo.Kind.AGENT;
    switch (event.getEvent()) {
      case "participant_joined" -> joined(room, participant.getIdentity(), agent);
      case "participant_left" ->
          left(
              room,
              participant.getIdentity(),
              agent,
              participant.getDisconnectReason(),
              event.getCreatedAt() > 0 ? Instant.ofEpochSecond(event.getCreatedAt()) : received);
      case "room_finished" -> finished(room);
      default -> {}
    }
  }

  public void joined(String room, String identity, boolean agent) {
    synchronized (this) {
      Room r = rooms.computeIfAbsent(room, k -> new Room());
      Set<String> who = agent ? r.agents : r.callers;
      if (who.size() < MAX_PARTICIPANTS) {
        who.add(identity);
      }
    }
    if (agent) {
      agentJoined.forEach(l -> l.accept(room));
    }
  }

  public void left(
      String room, String identity, boolean agent, DisconnectReason reason, Instant at) {
    boolean lost;
    synchronized (this) {
      Room r = rooms.get(room);
      if (r == null) {
        // A room heard of for the first time by a departure: its callers are unknown, so a
        // departure from it cannot be judged.
        return;
      }
      if (!agent) {
        r.callers.remove(identity);
        return;
      }
      r.agents.remove(identity);
      r.lastDeparture = new AgentDeparture(identity, at, reason);
      lost = !r.callers.isEmpty() && r.agents.isEmpty();
    }
    if (lost) {
      agentLost.forEach(Runnable::run);
    }
  }

  public synchronized void finished(String room) {
    rooms.remove(room);
  }

  /** Rooms whose last agent left while callers stayed: the ones worth judging. */
  public synchronized List<RoomFacts> withLostAgents() {
    List<RoomFacts> lost = new ArrayList<>();
    rooms.forEach(
        (name, r) -> {
          if (r.lastDeparture != null && r.agents.isEmpty() && !r.callers.isEmpty()) {
            lost.add(facts(name, r));
          }
        });
    return lost;
  }

  public synchronized Optional<RoomFacts> room(String name) {
    Room r = rooms.get(name);
    return r == null ? Optional.empty() : Optional.of(facts(name, r));
  }

  private static RoomFacts facts(String name, Room r) {
    return new RoomFacts(name, r.callers, r.agents, Optional.ofNullable(r.lastDeparture), false);
  }
}
