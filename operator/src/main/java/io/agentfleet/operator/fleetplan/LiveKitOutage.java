package io.agentfleet.operator.fleetplan;

import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every worker of a fleet answers its status endpoint, yet none is registered with LiveKit: the
 * processes are fine and the LiveKit server (or the way to it, or the credentials it is given) is
 * not. Replacing workers would not bring it back and would throw away the calls they still hold (a
 * worker keeps its jobs while it reconnects), so while this lasts no worker is replaced for being
 * not ready, and the cause is said once, as a condition and an Event.
 *
 * <p>Only workers whose readiness says whether they are registered count (ours, Node's); Python's
 * {@code livekit-agents} stays ready while it reconnects, so its fleets never show this.
 */
public final class LiveKitOutage {

  /**
   * How long every worker must have been unregistered: a worker takes a second or two to register
   * after it starts, and a reconnect after a blip is quicker than this.
   */
  public static final Duration AFTER = Duration.ofSeconds(10);

  private LiveKitOutage() {}

  /**
   * Every live worker answers and none is registered, since any time: the fleet is reconciled again
   * soon, so that an outage is reported once it lasted {@link #AFTER} even when nothing else
   * changes.
   */
  public static boolean suspected(List<WorkerPod> workers) {
    return unregisteredSince(workers, Instant.MAX);
  }

  public static Optional<Trouble> of(List<WorkerPod> workers, String livekitUrl, Instant now) {
    if (!unregisteredSince(workers, now.minus(AFTER))) {
      return Optional.empty();
    }
    // No count in the message: it would change the condition, and raise an Event, at each change.
    return Optional.of(
        new Trouble(
            EventReason.LiveKitUnreachable.name(),
            ("no worker is registered with LiveKit at %s, though every one answers its status"
                    + " endpoint: the server is down or unreachable, or refuses the credentials;"
                    + " workers are kept (they reconnect on their own), none is replaced for it")
                .formatted(livekitUrl)));
  }

  private static boolean unregisteredSince(List<WorkerPod> workers, Instant cutoff) {
    List<WorkerPod> live = workers.stream().filter(WorkerPod::live).toList();
    return !live.isEmpty()
        && live.stream()
            .allMatch(
                w ->
                    !w.ready()
                        && w.known()
                        && w.report().signalsRegistration()
                        && !w.report().draining()
                        && !StuckWorkers.notReadySince(w).isAfter(cutoff));
  }
}
