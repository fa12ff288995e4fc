package io.agentfleet.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.controlplane.BenchmarkReport;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * B1, reaction: calls arrive at rate r, then from one second on at 3r. Time from the step to the
 * first scale-up decision, and to the first new worker registered, for the real planner, an
 * HPA-style policy and a KEDA-style 30 s poll; median and worst over seeds.
 */
@Tag("benchmark")
class ReactionBenchmark {

  static final double RATE = 0.1;
  static final long STEP = 900;

  record Policy(String name, LongFunction<FleetSimulation.Scaler> scaler) {}

  record Run(double decision, long waited, FleetSimulation.Result result) {}

  @Test
  void reaction() throws Exception {
    boolean quick = Bench.quick();
    int seeds = quick ? 2 : 20;
    List<Policy> policies =
        List.of(
            new Policy("Agentfleet", seed -> new Scalers.Agentfleet(Scalers.sampleSpec())),
            new Policy("HPA-style", Scalers.HpaStyle::hpa),
            new Policy("KEDA-style (30 s poll)", Scalers.HpaStyle::keda));
    StringBuilder table = new StringBuilder();
    table.append(
        "| policy | step → decision, median / worst | step → new worker registered, median / worst"
            + " | × Agentfleet (median) | dispatches after the step with no free worker |\n"
            + "|---|---:|---:|---:|---:|\n");
    double agentfleetMedian = Double.NaN;
    List<Chart.Panel> panels = new ArrayList<>();
    for (Policy p : policies) {
      double[] decisions = new double[seeds];
      int waited = 0;
      int dispatched = 0;
      FleetSimulation.Result first = null;
      for (int s = 0; s < seeds; s++) {
        Trace trace = step(s);
        Run run = run(trace, p.scaler().apply(s));
        decisions[s] = run.decision();
        waited += run.waited();
        dispatched += (int) trace.calls().stream().filter(c -> c.arrival() >= STEP).count();
        if (first == null) {
          first = run.result();
        }
      }
      Arrays.sort(decisions);
      double median = decisions[seeds / 2];
      double worst = decisions[seeds - 1];
      if (Double.isNaN(agentfleetMedian)) {
        agentfleetMedian = median;
      }
      table.append(
          Bench.f(
              "| %s | %.0f s / %.0f s | %.0f s / %.0f s | %.1f× | %.2f %% |\n",
              p.name(),
              median,
              worst,
              median + CapacityBenchmark.STARTUP_SECONDS,
              worst + CapacityBenchmark.STARTUP_SECONDS,
              (median + CapacityBenchmark.STARTUP_SECONDS)
                  / (agentfleetMedian + CapacityBenchmark.STARTUP_SECONDS),
              100.0 * waited / dispatched));
      double[] registered =
          first.points().stream()
              .mapToDouble(FleetSimulation.Point::registered)
              .skip(STEP - 120)
              .toArray();
      double[] demand =
          first.points().stream()
              .mapToDouble(pt -> Math.ceil(pt.calls() / (double) CapacityBenchmark.SLOTS))
              .skip(STEP - 120)
              .toArray();
      panels.add(
          new Chart.Panel(
              p.name() + " (seed 0; the step is at 120 s)",
              List.of(
                  new Chart.Series("registered workers", new Color(0x1f77b4), registered),
                  new Chart.Series(
                      "ceil(calls / " + CapacityBenchmark.SLOTS + ")",
                      new Color(0xd62728),
                      demand))));
    }
    System.out.println(table);

    Path docs = Bench.docs();
    String image = quick ? "b1-reaction-quick.png" : "b1-reaction.png";
    Chart.write(
        docs.resolve("img").resolve(image),
        Bench.f("B1: a step from %.1f to %.1f calls/s", RATE, 3 * RATE),
        "time (s)",
        1,
        panels);
    String command =
        "./mvnw -B -ntp -pl operator -am test -Pbenchmark -Dtest=ReactionBenchmark"
            + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs"
            + (quick ? " -Dbench.quick=true" : "");
    String section =
        "## B1: reaction to a step in call arrivals\n\n"
            + "A simulation with the real planner and the documented timings (the same fleet model"
            + " as B3): Poisson arrivals at "
            + Bench.f("%.1f calls/s for %d s, then at %.1f", RATE, STEP, 3 * RATE)
            + " calls/s; durations log-normal (median 120 s). *Decision*: the first scale-up"
            + " after the step; *registered*: that plus the "
            + CapacityBenchmark.STARTUP_SECONDS
            + " s a worker takes to register (B3's stand-in figure). Agentfleet: the operator reads"
            + " `/worker` every second and decides on each change (sample settings: target load"
            + " 0.5, one idle worker, full at "
            + CapacityBenchmark.SLOTS
            + " calls). Webhook pre-scaling (`room_started` counted as an expected call) is not"
            + " modelled: here a dispatch follows the room at once, so it would add no lead;"
            + " where a room exists seconds before its agent is dispatched, Agentfleet's figure"
            + " only improves. HPA-style: 15 s sync, CPU metric 15–60 s stale (drawn per sync),"
            + " 10 % tolerance, CPU target 70 %, CPU ∝ calls. KEDA-style: a fresh metric polled"
            + " every 30 s, the HPA's arithmetic on it. Every policy's decision also waits for"
            + " the calls to build up past its threshold (a new call lasts minutes, so the number"
            + " in progress climbs for minutes after the step): the figures are reaction to the"
            + " load, not only loop latency.\n\n"
            + "- Seeds: "
            + seeds
            + "\n- Command: `"
            + command
            + "`\n- Measured: "
            + Bench.machine()
            + "\n\n"
            + table
            + "\n![B1: registered workers vs demand around the step](img/"
            + image
            + ")\n";
    BenchmarkReport.write(docs.resolve("benchmarks.md"), "b1-reaction", section);
    assertThat(agentfleetMedian).isBetween(0.0, (double) STEP);
    assertThat(Files.size(docs.resolve("img").resolve(image))).isPositive();
  }

  static Trace step(long seed) {
    Random random = new Random(seed);
    List<Trace.Call> calls = new ArrayList<>();
    double t = 0;
    double end = STEP * 2;
    while (true) {
      double rate = t < STEP ? RATE : 3 * RATE;
      t += -Math.log(1 - random.nextDouble()) / rate;
      if (t >= end) {
        break;
      }
      double duration = Math.exp(Math.log(120) + 0.7 * random.nextGaussian());
      calls.add(new Trace.Call(t, Math.max(5, duration), "agent"));
    }
    return new Trace(calls, end, "step, seed " + seed);
  }

  static Run run(Trace trace, FleetSimulation.Scaler scaler) {
    FleetSimulation fleet = new FleetSimulation(CapacityBenchmark.SLOTS, 10, 3);
    FleetSimulation.Result result = fleet.run(trace, scaler, 0);
    List<Long> ups =
        scaler instanceof Scalers.Agentfleet a
            ? a.decisions
            : ((Scalers.HpaStyle) scaler).decisions;
    double decision =
        ups.stream().filter(t -> t >= STEP).findFirst().map(t -> t - STEP).orElse(STEP) + 0.0;
    return new Run(decision, result.waitedAfter(STEP), result);
  }
}
