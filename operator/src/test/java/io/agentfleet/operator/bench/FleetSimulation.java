package io.agentfleet.operator.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * A fleet of simulated workers on a simulated clock, one-second steps. Calls go to the least loaded
 * registered worker with a free slot (a worker refuses at {@code slots} calls, as a worker reports
 * full at its threshold); a call that finds none waits for one. A created worker registers {@code
 * startupSeconds} later. Removing a worker drains it: it takes no new call and exits when its calls
 * end, unless {@code graceSeconds} is set, after which its calls are cut (a Deployment's pod past
 * terminationGracePeriodSeconds).
 */
final class FleetSimulation {

  /** Decides spec.replicas; called every second, keeps its own sync period. */
  interface Scaler {
    int replicas(FleetSimulation fleet, long now);

    /** Which worker to remove first: Agentfleet picks idle ones; a Deployment the newest. */
    Comparator<Worker> victimOrder();

    /** Seconds a removed busy worker may drain before its calls are cut; 0 = until they end. */
    default long graceSeconds() {
      return 0;
    }
  }

  static final class Worker {
    /** Stable for the worker's life, as a pod name is. */
    final long id;

    final long created;
    final long readyAt;
    final List<Double> callEnds = new ArrayList<>();
    long drainingSince = -1;
    boolean exited;

    Worker(long id, long created, long readyAt) {
      this.id = id;
      this.created = created;
      this.readyAt = readyAt;
    }

    boolean ready(long now) {
      return now >= readyAt;
    }

    boolean draining() {
      return drainingSince >= 0;
    }

    int active() {
      return callEnds.size();
    }
  }

  /** One second of the run, for the plots. */
  record Point(long t, int capacityWorkers, int registered, int calls, int waiting) {}

  record Result(
      double workerSeconds,
      double callSeconds,
      int dispatches,
      int waited,
      double waitSeconds,
      int cut,
      int peakWorkers,
      List<Point> points,
      List<Double> waitedArrivals) {

    long waitedAfter(double t) {
      return waitedArrivals.stream().filter(a -> a >= t).count();
    }

    double perCallSecond() {
      return workerSeconds / callSeconds;
    }

    double waitedShare() {
      return dispatches == 0 ? 0 : waited / (double) dispatches;
    }
  }

  final int slots;
  final long startupSeconds;
  final List<Worker> workers = new ArrayList<>();
  private long nextId;
  final Deque<Trace.Call> waiting = new ArrayDeque<>();
  final Deque<Double> waitingSince = new ArrayDeque<>();
  int replicas;

  FleetSimulation(int slots, long startupSeconds, int initialReplicas) {
    this.slots = slots;
    this.startupSeconds = startupSeconds;
    this.replicas = initialReplicas;
    for (int i = 0; i < initialReplicas; i++) {
      workers.add(new Worker(nextId++, -startupSeconds, 0));
    }
  }

  List<Worker> live() {
    return workers.stream().filter(w -> !w.exited && !w.draining()).toList();
  }

  int calls() {
    return workers.stream().filter(w -> !w.exited).mapToInt(Worker::active).sum();
  }

  Result run(Trace trace, Scaler scaler, long extraSeconds) {
    return run(trace, scaler, extraSeconds, 0);
  }

  /**
   * Replays the trace; the figures count only from {@code measureFrom} on (calls that arrive, the
   * fleet's seconds, the points), so the days before can teach a policy what repeats.
   */
  Result run(Trace trace, Scaler scaler, long extraSeconds, long measureFrom) {
    List<Point> points = new ArrayList<>();
    double workerSeconds = 0;
    double callSeconds = 0;
    int dispatches = 0;
    int waited = 0;
    double waitSeconds = 0;
    int cut = 0;
    int peak = 0;
    int next = 0;
    List<Double> waitedArrivals = new ArrayList<>();
    List<Trace.Call> calls = trace.calls();
    long end = (long) Math.ceil(trace.lengthSeconds()) + extraSeconds;
    for (long t = 0; t < end; t++) {
      // calls end; drained workers exit; grace runs out
      for (Worker w : workers) {
        if (w.exited) {
          continue;
        }
        final double now = t;
        w.callEnds.removeIf(e -> e <= now);
        if (w.draining()
            && scaler.graceSeconds() > 0
            && t - w.drainingSince >= scaler.graceSeconds()) {
          cut += t >= measureFrom ? w.active() : 0;
          w.callEnds.clear();
        }
        if (w.draining() && w.active() == 0) {
          w.exited = true;
        }
      }
      // waiting calls first, then this second's arrivals
      while (!waiting.isEmpty()) {
        Worker w = freeWorker(t);
        if (w == null) {
          break;
        }
        Trace.Call c = waiting.poll();
        double since = waitingSince.poll();
        w.callEnds.add(t + c.duration());
        if (since >= measureFrom) {
          waitSeconds += t - since;
          callSeconds += c.duration();
        }
      }
      while (next < calls.size() && calls.get(next).arrival() < t + 1) {
        Trace.Call c = calls.get(next++);
        boolean counted = c.arrival() >= measureFrom;
        dispatches += counted ? 1 : 0;
        Worker w = waiting.isEmpty() ? freeWorker(t) : null;
        if (w == null) {
          if (counted) {
            waited++;
            waitedArrivals.add(c.arrival());
          }
          waiting.add(c);
          waitingSince.add(c.arrival());
        } else {
          w.callEnds.add(c.arrival() + c.duration());
          callSeconds += counted ? c.duration() : 0;
        }
      }
      // the scaler decides; the fleet follows spec.replicas
      replicas = scaler.replicas(this, t);
      List<Worker> live = live();
      for (int i = live.size(); i < replicas; i++) {
        workers.add(new Worker(nextId++, t, t + startupSeconds));
      }
      if (live.size() > replicas) {
        List<Worker> victims = new ArrayList<>(live);
        victims.sort(scaler.victimOrder());
        for (Worker w : victims.subList(0, live.size() - replicas)) {
          w.drainingSince = t;
          if (w.active() == 0) {
            w.exited = true;
          }
        }
      }
      workers.removeIf(w -> w.exited);
      if (t < measureFrom) {
        continue;
      }
      int count = workers.size();
      peak = Math.max(peak, count);
      workerSeconds += count;
      final long next1 = t + 1;
      int registered = (int) workers.stream().filter(w -> w.ready(next1) && !w.draining()).count();
      points.add(new Point(t, count, registered, calls(), waiting.size()));
    }
    return new Result(
        workerSeconds,
        callSeconds,
        dispatches,
        waited,
        waitSeconds,
        cut,
        peak,
        points,
        waitedArrivals);
  }

  private Worker freeWorker(long t) {
    Worker best = null;
    for (Worker w : workers) {
      if (!w.exited && !w.draining() && w.ready(t) && w.active() < slots) {
        if (best == null || w.active() < best.active()) {
          best = w;
        }
      }
    }
    return best;
  }
}
