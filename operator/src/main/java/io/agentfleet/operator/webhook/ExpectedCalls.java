package io.agentfleet.operator.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Calls announced by LiveKit webhooks that no agent has joined yet, per AgentDeployment. A room
 * that starts (or gets its first caller) in a deployment's room pattern counts as one expected call
 * until an agent joins it, the room finishes, or the deployment's expectSeconds pass.
 */
public final class ExpectedCalls {

  private record Interest(Pattern rooms, Duration expect) {}

  private final Map<String, Interest> interests = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Instant>> pending = new ConcurrentHashMap<>();

  /** Which rooms a deployment cares about; called on every reconcile of an autoscaled one. */
  public void configure(String deployment, String roomPattern, Duration expect) {
    Pattern rooms = Pattern.compile(roomPattern == null ? "" : roomPattern);
    interests.put(deployment, new Interest(rooms, expect));
  }

  public void forget(String deployment) {
    interests.remove(deployment);
    pending.remove(deployment);
  }

  /** A room started or a caller joined: a call is coming. */
  public void roomNeedsAgent(String room, Instant now) {
    interests.forEach(
        (deployment, interest) -> {
          if (interest.rooms().matcher(room).find()) {
            pending
                .computeIfAbsent(deployment, k -> new ConcurrentHashMap<>())
                .putIfAbsent(room, now.plus(interest.expect()));
          }
        });
  }

  /** An agent joined the room, or the room is gone: nothing more to expect from it. */
  public void roomServed(String room) {
    pending.values().forEach(rooms -> rooms.remove(room));
  }

  public int expected(String deployment, Instant now) {
    Map<String, Instant> rooms = pending.get(deployment);
    if (rooms == null) {
      return 0;
    }
    rooms.values().removeIf(until -> !until.isAfter(now));
    return rooms.size();
  }
}
