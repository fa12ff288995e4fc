package io.agentfleet.operator.redispatch;

import io.agentfleet.api.redispatch.Resumption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import livekit.LivekitModels.DisconnectReason;

/**
 * Whether a room's call lost its agent to a dead worker and is to be dispatched again: a pure
 * function of what the webhooks said about the room, the worker processes that ended, the room's
 * dispatches as the LiveKit server lists them, and the clock.
 *
 * <p>An orphan is a room that has not finished, still has a caller, has no agent, and whose last
 * agent left abnormally: its connection closed or timed out ({@code SIGNAL_CLOSE}, {@code
 * CONNECTION_TIMEOUT}, {@code MEDIA_FAILURE}, {@code STATE_MISMATCH}, {@code JOIN_FAILURE}), or for
 * no stated reason while a worker of the deployment died. An agent that left ({@code
 * CLIENT_INITIATED}), was removed or failed on its own ({@code AGENT_ERROR}) is not lost; nor is
 * one whose worker was being drained.
 *
 * <p>The record of earlier attempts is the room's own dispatches: each re-dispatch carries its
 * attempt number ({@link Resumption}), and one made after the agent was lost means the room is
 * served already. That record lives in the LiveKit server for the room's lifetime, where any
 * operator replica, or one restarted, finds it.
 */
public final class OrphanDecision {

  /** A worker death this close to the agent's departure is taken to be its cause. */
  static final Duration DEATH_WINDOW = Duration.ofSeconds(30);

  /** An agent lost longer ago than this is not re-dispatched: its caller has waited too long. */
  static final Duration STALE = Duration.ofMinutes(10);

  /** The agent left or was sent away on purpose: nothing was lost. */
  static final Set<DisconnectReason> INTENTIONAL =
      EnumSet.of(
          DisconnectReason.CLIENT_INITIATED,
          DisconnectReason.DUPLICATE_IDENTITY,
          DisconnectReason.SERVER_SHUTDOWN,
          DisconnectReason.PARTICIPANT_REMOVED,
          DisconnectReason.ROOM_DELETED,
          DisconnectReason.MIGRATION,
          DisconnectReason.ROOM_CLOSED,
          DisconnectReason.USER_UNAVAILABLE,
          DisconnectReason.USER_REJECTED,
          DisconnectReason.SIP_TRUNK_FAILURE,
          // The agent itself reported the failure: a new one would most likely fail alike.
          DisconnectReason.AGENT_ERROR);

  /** The connection died under the agent, as it does when its process is killed. */
  static final Set<DisconnectReason> ABNORMAL =
      EnumSet.of(
          DisconnectReason.SIGNAL_CLOSE,
          DisconnectReason.CONNECTION_TIMEOUT,
          DisconnectReason.MEDIA_FAILURE,
          DisconnectReason.STATE_MISMATCH,
          DisconnectReason.JOIN_FAILURE);

  /** The deployment's side of the decision. */
  public record Policy(boolean enabled, String agentName, int maxAttempts) {}

  /** Whether the room lost its agent, and why (or why not). */
  public record Orphan(boolean orphaned, String reason) {}

  private OrphanDecision() {}

  public static Verdict judge(
      Policy policy,
      RoomFacts room,
      List<WorkerDeath> deaths,
      List<DispatchFact> dispatches,
      Instant now) {
    if (!policy.enabled()) {
      return leave(room, Verdict.Why.DISABLED, "spec.redispatch is off");
    }
    Orphan orphan = orphan(room, deaths, now);
    if (!orphan.orphaned()) {
      return leave(room, Verdict.Why.NOT_ORPHANED, orphan.reason());
    }
    List<DispatchFact> ours =
        dispatches.stream()
            .filter(d -> policy.agentName().equals(d.agentName()))
            .sorted(Comparator.comparing(DispatchFact::created))
            .toList();
    if (ours.isEmpty()) {
      return leave(
          room, Verdict.Why.NOT_OURS, "no dispatch of agent " + policy.agentName() + " in it");
    }
    Instant lost = room.lastDeparture().orElseThrow().at();
    DispatchFact latest = ours.get(ours.size() - 1);
    int attempts =
        ours.stream()
            .flatMap(d -> d.resumption().stream())
            .mapToInt(Resumption::attempt)
            .max()
            .orElse(0);
    if (latest.created().isAfter(lost)) {
      return leave(
          room,
          Verdict.Why.PENDING,
          "dispatch "
              + latest.id()
              + (attempts > 0 ? " (attempt " + attempts + ")" : "")
              + " was made after the agent was lost");
    }
    if (attempts >= policy.maxAttempts()) {
      return leave(
          room,
          Verdict.Why.EXHAUSTED,
          orphan.reason()
              + "; not dispatched again: "
              + attempts
              + " of "
              + policy.maxAttempts()
              + " attempts made");
    }
    String original =
        ours.stream()
            .filter(d -> d.resumption().isEmpty())
            .map(DispatchFact::metadata)
            .findFirst()
            .orElseGet(() -> latest.resumption().map(Resumption::originalMetadata).orElse(""));
    int attempt = attempts + 1;
    return new Verdict.Redispatch(
        room.room(),
        attempt,
        new Resumption(attempt, original).toMetadata(),
        orphan.reason() + "; attempt " + attempt + " of " + policy.maxAttempts());
  }

  /** Whether the room's call lost its agent, from the webhooks' facts and the worker deaths. */
  public static Orphan orphan(RoomFacts room, List<WorkerDeath> deaths, Instant now) {
    if (room.finished()) {
      return new Orphan(false, "the room finished");
    }
    if (room.lastDeparture().isEmpty()) {
      return new Orphan(false, "no agent left the room");
    }
    if (!room.agents().isEmpty()) {
      return new Orphan(false, "an agent is in the room");
    }
    if (room.callers().isEmpty()) {
      return new Orphan(false, "no caller is left in the room");
    }
    AgentDeparture departure = room.lastDeparture().get();
    if (departure.at().plus(STALE).isBefore(now)) {
      return new Orphan(false, "the agent was lost more than " + STALE.toMinutes() + " min ago");
    }
    DisconnectReason reason = departure.reason();
    if (INTENTIONAL.contains(reason)) {
      return new Orphan(false, "the agent left on purpose (" + reason + ")");
    }
    List<WorkerDeath> near =
        deaths.stream()
            .filter(
                d ->
                    !d.at().isBefore(departure.at().minus(DEATH_WINDOW))
                        && !d.at().isAfter(departure.at().plus(DEATH_WINDOW)))
            .toList();
    Optional<WorkerDeath> died = near.stream().filter(d -> !d.drained()).findFirst();
    if (died.isEmpty() && !near.isEmpty()) {
      return new Orphan(false, "the agent's worker was drained (" + near.get(0).pod() + ")");
    }
    String lost =
        "agent "
            + departure.identity()
            + " lost ("
            + reason
            + ") with callers left in room "
            + room.room();
    if (ABNORMAL.contains(reason)) {
      return new Orphan(true, lost + died.map(d -> "; worker pod " + d.pod() + " died").orElse(""));
    }
    // No reason given (an older server): only a dead worker says the agent did not just leave.
    if (died.isPresent()) {
      return new Orphan(true, lost + "; worker pod " + died.get().pod() + " died");
    }
    return new Orphan(false, "the agent left (" + reason + ") and no worker died");
  }

  private static Verdict leave(RoomFacts room, Verdict.Why why, String reason) {
    return new Verdict.Leave(room.room(), why, reason);
  }
}
