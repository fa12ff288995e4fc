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
 * @param settling dispatches of the agent without a job that are younger than {@link #SETTLE}: a
 *     re-offer among them may be given up too (the server can offer it to a worker that does not
 *     answer), so the reconcile must look again when they have settled rather than wait for an
 *     event an idle fleet never sends
 */
public record Placement(int waiting, List<WaitingDispatch> reoffer, String reason, int settling) {

  /** Nothing waits and nothing is being offered: no reason to look again soon. */
  public boolean unresolved() {
    return waiting > 0 || settling > 0;
  }

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
    List<WaitingDispatch> withoutJob =
        dispatches.stream().filter(d -> d.agentName().equals(agentName) && d.jobs() == 0).toList();
    List<WaitingDispatch> givenUp =
        withoutJob.stream().filter(d -> !d.createdAt().plus(SETTLE).isAfter(now)).toList();
    int settling = withoutJob.size() - givenUp.size();
    if (givenUp.isEmpty()) {
      return new Placement(0, List.of(), "", settling);
    }
    if (availableWorkers == 0) {
      return new Placement(
          givenUp.size(),
          List.of(),
          "%d dispatch(es) found no worker; none is free to take them yet"
              .formatted(givenUp.size()),
          settling);
    }
    return new Placement(
        givenUp.size(),
        givenUp,
        "%d dispatch(es) found no worker; dispatched again now that %d worker(s) can take calls"
            .formatted(givenUp.size(), availableWorkers),
        settling);
  }
}
