package io.agentfleet.operator.bench;

import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.autoscale.Autoscaler;
import io.agentfleet.operator.autoscale.FleetSample;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.autoscale.ScalingPolicy;
import io.agentfleet.operator.bench.FleetSimulation.Worker;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** The policies the benchmarks compare. */
final class Scalers {
  private Scalers() {}

  static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

  /** The sandbox's sample settings on the CRD's defaults otherwise. */
  static Autoscaling sampleSpec() {
    Autoscaling a = new Autoscaling();
    a.setEnabled(true);
    a.setMinReplicas(1);
    a.setMaxReplicas(500);
    a.setTargetLoad(0.5);
    a.setIdleWorkers(1);
    a.setScaleUp(new ScalingRules(0, 0));
    a.setScaleDown(new ScalingRules(300, 0));
    return a;
  }

  /**
   * The real planner, {@link Autoscaler#decide}, every second: the operator reads each worker's
   * {@code /worker} every second and a material change wakes the reconciler. Workers report as our
   * worker does: load = calls / maxJobs, full at maxJobs. Removes idle workers first, then those
   * with the fewest calls, and only by draining.
   */
  static final class Agentfleet implements FleetSimulation.Scaler {
    private final ScalingPolicy policy;
    private ScalingHistory history = ScalingHistory.empty();
    final List<Long> decisions = new ArrayList<>();

    Agentfleet(Autoscaling spec) {
      this.policy = ScalingPolicy.from(spec);
    }

    @Override
    public int replicas(FleetSimulation fleet, long now) {
      Instant at = T0.plusSeconds(now);
      List<WorkerPod> pods = new ArrayList<>();
      for (Worker w : fleet.workers) {
        boolean ready = w.ready(now);
        WorkerReport report =
            ready
                ? new WorkerReport(
                    w.active(),
                    w.active() / (double) fleet.slots,
                    w.active() >= fleet.slots || w.draining(),
                    w.draining(),
                    fleet.slots,
                    null,
                    null,
                    WorkerStatusFormat.AGENTFLEET)
                : null;
        pods.add(
            new WorkerPod(
                "w" + w.id, "r1", ready, w.draining(), false, T0.plusSeconds(w.created), report));
      }
      ScaleDecision d =
          Autoscaler.decide(
              policy, new FleetSample(fleet.replicas, pods, 0, fleet.waiting.size()), history, at);
      history = d.history();
      if (d.replicas() > fleet.replicas) {
        decisions.add(now);
      }
      return d.replicas();
    }

    @Override
    public Comparator<Worker> victimOrder() {
      return Comparator.comparingInt(Worker::active).thenComparing(w -> -w.created);
    }
  }

  /**
   * The documented HPA defaults on a CPU metric: a sync every {@code periodSeconds}, a metric
   * {@code minLag}..{@code maxLag} seconds stale, desired = ceil(current × utilization / target)
   * outside a 10 % tolerance, scale-down only to the highest recommendation of the last 300 s. CPU
   * is taken as proportional to calls (a voice agent's work is its calls): utilization = calls /
   * maxJobs. Removes pods as a ReplicaSet does (not ready first, then the newest), whatever they
   * carry, with a 30 s termination grace. KEDA-style: the same with a 30 s poll of a fresh metric.
   */
  static final class HpaStyle implements FleetSimulation.Scaler {
    private final long period;
    private final long minLag;
    private final long maxLag;
    private final double target;
    private final Random random;
    private final List<double[]> metric = new ArrayList<>();
    private final List<long[]> recommendations = new ArrayList<>();
    final List<Long> decisions = new ArrayList<>();

    HpaStyle(long period, long minLag, long maxLag, double target, long seed) {
      this.period = period;
      this.minLag = minLag;
      this.maxLag = maxLag;
      this.target = target;
      this.random = new Random(seed);
    }

    static HpaStyle hpa(long seed) {
      return new HpaStyle(15, 15, 60, 0.7, seed);
    }

    static HpaStyle keda(long seed) {
      return new HpaStyle(30, 0, 0, 0.7, seed);
    }

    @Override
    public int replicas(FleetSimulation fleet, long now) {
      int ready = 0;
      double util = 0;
      for (Worker w : fleet.workers) {
        if (w.ready(now) && !w.draining()) {
          ready++;
          util += w.active() / (double) fleet.slots;
        }
      }
      metric.add(new double[] {util, ready});
      if (now % period != 0) {
        return fleet.replicas;
      }
      long lag = minLag + (maxLag > minLag ? random.nextLong(maxLag - minLag + 1) : 0);
      double[] seen = metric.get((int) Math.max(0, now - lag));
      int current = fleet.replicas;
      int desired = current;
      if (seen[1] > 0) {
        double ratio = (seen[0] / seen[1]) / target;
        if (Math.abs(ratio - 1) > 0.1) {
          desired = (int) Math.ceil(seen[0] / target - 1e-9);
        }
      }
      desired = Math.max(1, desired);
      recommendations.add(new long[] {now, desired});
      recommendations.removeIf(r -> r[0] < now - 300);
      int stabilized = desired;
      if (desired < current) {
        long highest = recommendations.stream().mapToLong(r -> r[1]).max().orElse(desired);
        stabilized = (int) Math.min(current, highest);
      }
      if (stabilized > current) {
        decisions.add(now);
      }
      return stabilized;
    }

    @Override
    public Comparator<Worker> victimOrder() {
      // Not-ready pods first, then the most recently created: both are the newest pods.
      return Comparator.comparingLong(w -> -w.created);
    }

    @Override
    public long graceSeconds() {
      return 30;
    }
  }

  /** A fixed fleet. */
  record Static(int workers) implements FleetSimulation.Scaler {
    @Override
    public int replicas(FleetSimulation fleet, long now) {
      return workers;
    }

    @Override
    public Comparator<Worker> victimOrder() {
      return Comparator.comparingInt(Worker::active);
    }
  }
}
