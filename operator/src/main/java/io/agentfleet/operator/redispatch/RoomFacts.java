package io.agentfleet.operator.redispatch;

import java.util.Optional;
import java.util.Set;

/**
 * What LiveKit's webhooks said about one room.
 *
 * @param callers the non-agent participants in the room now, by identity
 * @param agents the agent participants in the room now, by identity
 * @param lastDeparture the last agent that left, if one did
 * @param finished the room finished ({@code room_finished})
 */
public record RoomFacts(
    String room,
    Set<String> callers,
    Set<String> agents,
    Optional<AgentDeparture> lastDeparture,
    boolean finished) {

  public RoomFacts {
    callers = Set.copyOf(callers);
    agents = Set.copyOf(agents);
  }
}
