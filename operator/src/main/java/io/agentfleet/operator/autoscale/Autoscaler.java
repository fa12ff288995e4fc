package io.agentfleet.operator.autoscale;

import io.agentfleet.api.v1alpha1.WarmBuffer;
import io.agentfleet.operator.autoscale.ScaleDecision.Limit;
import io.agentfleet.operator.autoscale.ScalingHistory.Recommendation;
import io.agentfleet.operator.autoscale.ScalingHistory.ScaleChange;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Decides spec.replicas from the workers' own reports. A pure function of the policy, a sample of
 * the fleet, the autoscaler's memory and the time.
 *
 * <ol>
 *   <li><b>Demand</b>: by load, ceil(sum of loads / targetLoad); by calls, ceil(calls /
 *       jobsPerWorker). Calls announced by webhooks and not yet picked up count too. Within the
 *       tolerance band around the workers now carrying load, their number is kept (HPA); by calls,
 *       only against shrinking.
 *   <li><b>Buffer</b>: plus {@code idleWorkers}, or with a measured warm buffer as many workers as
 *       the largest recent rise in calls over one measured worker start-up needs, if more (a worker
 *       ordered now serves only after its start-up; the calls that arrive meanwhile need room
 *       already there), plus one slot for each worker that cannot help: ready but not reporting (it
 *       may be carrying calls we cannot see) or still not ready past the startup allowance (so a
 *       stuck start does not block scale-up; it is counted once, so there is no runaway). Workers
 *       starting within the allowance count as coming capacity.
 *   <li><b>Bounds</b>: at least minReplicas or an open schedule's floor, at most maxReplicas.
 *   <li><b>Learned schedule</b>, if on: at least the workers the demand needed over the coming
 *       start-up at the same time of each of the last periods (the least of them), plus the buffer,
 *       so demand that comes every day finds its workers already started.
 *   <li><b>Unknown status never scales down</b>: while a ready worker does not report, the answer
 *       is not below the current size.
 *   <li><b>Stabilization</b>, as HPA: scale up only to the lowest recommendation of the up window,
 *       down only to the highest of the down window.
 *   <li><b>Rate limits</b>: at most maxWorkersPerMinute added (or removed) in any minute.
 * </ol>
 *
 * Draining and terminating workers are not capacity, and their calls are not demand: those calls
 * end where they are.
 */
public final class Autoscaler {

  private Autoscaler() {}

  public static ScaleDecision decide(
      ScalingPolicy policy, FleetSample sample, ScalingHistory history, Instant now) {
    int current = sample.currentReplicas();
    List<WorkerPod> capacity =
        sample.workers().stream()
            .filter(WorkerPod::live)
            .filter(w -> !(w.known() && w.report().draining()))
            .toList();
    List<WorkerPod> reporting = capacity.stream().filter(WorkerPod::known).toList();
    // Ready but not reporting: may be carrying calls we cannot see. One that just started and
    // was not polled yet is coming capacity instead; counting it as lost would add a worker for
    // every worker added, until the polls catch up.
    int notReporting =
        (int)
            capacity.stream()
                .filter(w -> !w.known() && w.ready())
                .filter(
                    w ->
                        Duration.between(w.created(), now).compareTo(policy.startupAllowance()) > 0)
                .count();
    boolean anySilent = capacity.stream().anyMatch(w -> !w.known() && w.ready());
    int stuck =
        (int)
            capacity.stream()
                .filter(w -> !w.known() && !w.ready())
                .filter(
                    w ->
                        Duration.between(w.created(), now).compareTo(policy.startupAllowance()) > 0)
                .count();
    int calls = reporting.stream().mapToInt(WorkerPod::activeJobs).sum();
    // A call waiting for a worker is a call: the server placed it nowhere, so no report has it.
    int expected = sample.expectedCalls() + sample.waitingDispatches();

    Traffic traffic = history.traffic().observe(now, calls + expected, sample.workers());

    double demand;
    double perCallWorkers;
    String demandWords;
    if (policy.byCalls()) {
      perCallWorkers = 1.0 / policy.jobsPerWorker();
      demand = (calls + expected) / (double) policy.jobsPerWorker();
      demandWords =
          String.format(
              Locale.ROOT, "%d calls at %d per worker", calls + expected, policy.jobsPerWorker());
    } else {
      double sumLoad = 0;
      for (WorkerPod w : reporting) {
        Integer max = w.report().maxJobs();
        sumLoad += w.report().effectiveLoad(max == null ? 1 : max);
      }
      double perCall = calls > 0 ? sumLoad / calls : policy.targetLoad();
      perCallWorkers = perCall / policy.targetLoad();
      double meanLoad = reporting.isEmpty() ? 0 : sumLoad / reporting.size();
      sumLoad += expected * perCall;
      demand = sumLoad / policy.targetLoad();
      demandWords =
          String.format(
              Locale.ROOT,
              "load %.2f %s target %.2f over %d workers",
              meanLoad,
              meanLoad > policy.targetLoad() ? ">" : meanLoad < policy.targetLoad() ? "<" : "=",
              policy.targetLoad(),
              reporting.size());
    }
    if (sample.expectedCalls() > 0) {
      demandWords +=
          String.format(Locale.ROOT, " (%d expected from webhooks)", sample.expectedCalls());
    }
    if (sample.waitingDispatches() > 0) {
      demandWords +=
          String.format(
              Locale.ROOT, " (%d dispatches waiting for a worker)", sample.waitingDispatches());
    }

    int needed = (int) Math.ceil(demand - 1e-9);
    DemandProfile profile =
        policy.learns()
            ? history.profile().learning(policy.learnedPeriod()).observe(now, needed)
            : DemandProfile.none();
    Duration startup = traffic.startup().orElse(policy.startupAllowance());
    int buffer = policy.idleWorkers();
    String bufferWords = buffer > 0 ? " + " + buffer + " idle" : "";
    if (policy.warmBuffer() == WarmBuffer.MEASURED) {
      int rise = traffic.rise(startup);
      // Arrivals are random: the next stretch may bring more than the last ten minutes' worst, by
      // about a standard deviation of a Poisson count (its square root).
      int room = rise + (int) Math.ceil(Math.sqrt(rise));
      int measured = (int) Math.ceil(demand + room * perCallWorkers - 1e-9) - needed;
      if (measured > buffer) {
        buffer = measured;
        bufferWords =
            String.format(
                Locale.ROOT,
                " + %d spare for %d calls (a rise of %d) in a %d s start-up",
                buffer,
                room,
                rise,
                startup.toSeconds());
      }
    }
    int carrying = current - buffer - notReporting - stuck;
    int demandWorkers = needed;
    if (carrying > 0 && Math.abs(demand / carrying - 1) <= policy.tolerance()) {
      // Calls announced by webhooks may only add workers: keeping the band's size when they push
      // demand up, never dropping below it, keeps the answer monotonic in demand. Counted in
      // slots there is no headroom below a full worker but the buffer, so there the band only
      // holds the fleet from shrinking: holding it from growing would eat the buffer.
      demandWorkers = expected == 0 && !policy.byCalls() ? carrying : Math.max(carrying, needed);
    }
    int raw = demandWorkers + buffer + notReporting + stuck;

    int floor = policy.minReplicas();
    for (ScheduleWindow window : policy.schedules()) {
      if (window.openAt(now)) {
        floor = Math.max(floor, window.minReplicas());
      }
    }
    Limit limit = Limit.NONE;
    String limitWords = "";
    int recommendation = raw;
    if (recommendation < floor) {
      recommendation = floor;
      limit = Limit.MIN;
      limitWords =
          floor > policy.minReplicas()
              ? "; raised to schedule floor " + floor
              : "; raised to minReplicas " + floor;
    }
    OptionalInt learned = profile.forecast(now, startup, policy.learnedPeriods());
    if (learned.isPresent() && learned.getAsInt() > 0) {
      int ahead = learned.getAsInt() + buffer;
      if (recommendation < ahead) {
        recommendation = ahead;
        limit = Limit.LEARNED;
        limitWords =
            String.format(
                Locale.ROOT,
                "; raised to %d: the demand needed %d in the next %d s on each of the last %d"
                    + " periods",
                ahead,
                learned.getAsInt(),
                startup.toSeconds(),
                policy.learnedPeriods());
      }
    }
    if (recommendation > policy.maxReplicas()) {
      recommendation = policy.maxReplicas();
      limit = Limit.MAX;
      limitWords = "; capped at maxReplicas " + policy.maxReplicas();
    }
    if (recommendation < current && anySilent) {
      long silent = capacity.stream().filter(w -> !w.known() && w.ready()).count();
      recommendation = current;
      limit = Limit.UNKNOWN_STATUS;
      limitWords = "; " + silent + " worker(s) not reporting: no scale-down";
    }

    int held = Math.min(current, policy.maxReplicas());
    if (recommendation < held && sample.waitingDispatches() > 0) {
      recommendation = held;
      limit = Limit.WAITING_DISPATCHES;
      limitWords = "; a dispatch waits for a worker: no scale-down";
    }
    if (recommendation < held && sample.livekitUnreachable()) {
      // Quiet because no call can reach the fleet, not because none is wanted: once LiveKit is
      // back, the calls come back to the workers kept for them.
      recommendation = held;
      limit = Limit.LIVEKIT_UNREACHABLE;
      limitWords = "; LiveKit unreachable: no scale-down";
    }

    boolean fresh = history.isEmpty();
    int upLimit = recommendation;
    int downLimit = recommendation;
    Instant upCutoff = now.minus(policy.upWindow());
    Instant downCutoff = now.minus(policy.downWindow());
    for (Recommendation r : history.recommendations()) {
      if (r.at().isAfter(upCutoff)) {
        upLimit = Math.min(upLimit, r.replicas());
      }
      if (r.at().isAfter(downCutoff)) {
        downLimit = Math.max(downLimit, r.replicas());
      }
    }
    if (fresh && !policy.downWindow().isZero()) {
      // No memory (first look, or the operator restarted): assume the current size was just
      // recommended, so a restart never shortcuts the scale-down window.
      downLimit = Math.max(downLimit, current);
    }
    int replicas = current;
    if (replicas < upLimit) {
      replicas = upLimit;
    }
    if (replicas > downLimit) {
      replicas = downLimit;
    }
    if (replicas != recommendation) {
      limit = Limit.STABILIZATION;
      limitWords +=
          replicas > recommendation
              ? "; held by scale-down stabilization (" + policy.downWindow().toSeconds() + "s)"
              : "; held by scale-up stabilization (" + policy.upWindow().toSeconds() + "s)";
    }

    Instant minuteAgo = now.minus(Duration.ofMinutes(1));
    int added = 0;
    int removed = 0;
    for (ScaleChange c : history.changes()) {
      if (c.at().isAfter(minuteAgo)) {
        added += Math.max(0, c.to() - c.from());
        removed += Math.max(0, c.from() - c.to());
      }
    }
    if (replicas > current && policy.upPerMinute() > 0) {
      int allowed = Math.max(0, policy.upPerMinute() - added);
      if (replicas - current > allowed) {
        replicas = current + allowed;
        limit = Limit.RATE;
        limitWords += "; scale-up rate limit " + policy.upPerMinute() + "/min";
      }
    }
    if (replicas < current && policy.downPerMinute() > 0) {
      int allowed = Math.max(0, policy.downPerMinute() - removed);
      if (current - replicas > allowed) {
        replicas = current - allowed;
        limit = Limit.RATE;
        limitWords += "; scale-down rate limit " + policy.downPerMinute() + "/min";
      }
    }

    String reason =
        demandWords
            + bufferWords
            + (notReporting + stuck > 0 ? " + " + (notReporting + stuck) + " not serving" : "")
            + " → "
            + replicas
            + limitWords;
    ScaleChange change = replicas != current ? new ScaleChange(now, current, replicas) : null;
    Duration keep =
        policy.upWindow().compareTo(policy.downWindow()) > 0
            ? policy.upWindow()
            : policy.downWindow();
    List<Recommendation> seed = fresh ? List.of(new Recommendation(now, current)) : List.of();
    ScalingHistory base = fresh ? new ScalingHistory(seed, List.of()) : history;
    ScalingHistory next =
        base.with(new Recommendation(now, recommendation), change, traffic, profile, now, keep);
    return new ScaleDecision(current, replicas, limit, reason, next);
  }
}
