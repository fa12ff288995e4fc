package io.agentfleet.operator.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What to do about one agent's dispatches. The LiveKit server offers a dispatch to its workers
 * once: when none is available it gives up and lists the dispatch without a job for as long as the
 * room lives, and nothing offers it again, not even when a worker frees a slot or registers. Such a
 * dispatch is a caller waiting for an agent: demand for the autoscaler, and, once a worker can take
 * it, a dispatch to make again.
 *
 * @param waiting dispatches of the agent the server gave up on: older than {@link #SETTLE} without
 *     a job (a younger one may be placed already, and counted by the worker that has it)
 * @param reoffer the waiting ones to dispatch again now
 */
public record Placement(int waiting, List<WaitingDispatch> reoffer, String reason) {

  /**
   * How long a new dispatch may go without a job before it counts as given up: the server's offer
   * (availability request, answer, assignment) takes a few seconds, and lists the job only after.
   */
  public static final Duration SETTLE = Duration.ofSeconds(8);

  /**
   * @param dispatches the dispatches the server lists in the rooms that may wait
   * @param availableWorkers workers that report they can take a call now
   */
  public static Placement plan(
      List<WaitingDispatch> dispatches, String agentName, int availableWorkers, Instant now) {
    List<WaitingDispatch> givenUp =
        dispatches.stream()
            .filter(d -> d.agentName().equals(agentName) && d.jobs() == 0)
            .filter(d -> !d.createdAt().plus(SETTLE).isAfter(now))
            .toList();
    if (givenUp.isEmpty()) {
      return new Placement(0, List.of(), "");
    }
    if (availableWorkers == 0) {
      return new Placement(
          givenUp.size(),
          List.of(),
          "%d dispatch(es) found no worker; none is free to take them yet"
              .formatted(givenUp.size()));
    }
    return new Placement(
        givenUp.size(),
        givenUp,
        "%d dispatch(es) found no worker; dispatched again now that %d worker(s) can take calls"
            .formatted(givenUp.size(), availableWorkers));
  }
}
