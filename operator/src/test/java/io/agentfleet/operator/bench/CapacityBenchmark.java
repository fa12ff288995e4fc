package io.agentfleet.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.WarmBuffer;
import io.agentfleet.controlplane.BenchmarkReport;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * B3, capacity efficiency: a compressed diurnal day (or a CSV {@code -Dbench.trace=calls.csv})
 * replayed against a simulated fleet scaled by each policy. Worker-seconds per call-second and the
 * share of dispatches that found no free worker, each against the oracle.
 */
@Tag("benchmark")
class CapacityBenchmark {

  static final int SLOTS = 10;
  static final long STARTUP_SECONDS = 10;

  /** A worker that loads models or pulls a large image before it registers. */
  static final long SLOW_STARTUP_SECONDS = 45;

  @Test
  void capacityEfficiency() throws Exception {
    boolean quick = Bench.quick();
    String csv = System.getProperty("bench.trace", "");
    Trace trace =
        csv.isBlank()
            ? Trace.diurnal(19, quick ? 1200 : 7200, quick ? 0.2 : 0.5)
            : Trace.csv(Path.of(csv));

    Map<String, FleetSimulation.Result> results = new LinkedHashMap<>();
    results.put(
        "before: Agentfleet (sample settings)",
        new FleetSimulation(SLOTS, STARTUP_SECONDS, 1)
            .run(trace, new Scalers.Agentfleet(Scalers.sampleSpec()), 0));
    // After: capacity counted in the slots a worker offers (scale on calls, full at SLOTS)
    // instead of aiming every worker at half load, with one idle worker or with a warm buffer
    // sized from the fleet's own measured rise in calls over its measured start-up.
    Autoscaling bySlots = Scalers.sampleSpec();
    bySlots.setJobsPerWorker(SLOTS);
    Autoscaling measured = Scalers.sampleSpec();
    measured.setJobsPerWorker(SLOTS);
    measured.setWarmBuffer(WarmBuffer.MEASURED);
    results.put(
        "after: by slots (jobsPerWorker " + SLOTS + "), one idle worker",
        new FleetSimulation(SLOTS, STARTUP_SECONDS, 1)
            .run(trace, new Scalers.Agentfleet(bySlots), 0));
    results.put(
        "after: by slots, measured warm buffer",
        new FleetSimulation(SLOTS, STARTUP_SECONDS, 1)
            .run(trace, new Scalers.Agentfleet(measured), 0));
    results.put(
        "after: by slots, one idle worker, " + SLOW_STARTUP_SECONDS + " s start-up",
        new FleetSimulation(SLOTS, SLOW_STARTUP_SECONDS, 1)
            .run(trace, new Scalers.Agentfleet(bySlots), 0));
    results.put(
        "after: by slots, measured warm buffer, " + SLOW_STARTUP_SECONDS + " s start-up",
        new FleetSimulation(SLOTS, SLOW_STARTUP_SECONDS, 1)
            .run(trace, new Scalers.Agentfleet(measured), 0));
    results.put(
        "HPA-style (CPU 70 %)",
        new FleetSimulation(SLOTS, STARTUP_SECONDS, 1).run(trace, Scalers.HpaStyle.hpa(19), 0));
    int[] demand = oracleWorkers(trace);
    int peak = 0;
    for (int d : demand) {
      peak = Math.max(peak, d);
    }
    results.put(
        "static peak (" + peak + " workers)",
        new FleetSimulation(SLOTS, STARTUP_SECONDS, peak).run(trace, new Scalers.Static(peak), 0));
    double oracleWorkerSeconds = 0;
    for (int d : demand) {
      oracleWorkerSeconds += d;
    }
    double callSeconds = trace.calls().stream().mapToDouble(Trace.Call::duration).sum();
    double oracle = oracleWorkerSeconds / callSeconds;

    StringBuilder table = new StringBuilder();
    table.append(
        "| policy | worker-s per call-s | × oracle | dispatches with no free worker | their mean"
            + " wait | calls cut | peak workers |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, FleetSimulation.Result> e : results.entrySet()) {
      FleetSimulation.Result r = e.getValue();
      table.append(
          Bench.f(
              "| %s | %.2f | %.2f× | %.2f %% (%d of %d) | %.1f s | %d | %d |\n",
              e.getKey(),
              r.perCallSecond(),
              r.perCallSecond() / oracle,
              100 * r.waitedShare(),
              r.waited(),
              r.dispatches(),
              r.waited() == 0 ? 0 : r.waitSeconds() / r.waited(),
              r.cut(),
              r.peakWorkers()));
    }
    table.append(
        Bench.f(
            "| oracle (ceil(calls / %d), perfect foresight) | %.2f | 1.00× | 0 %% | — | 0 | %d |\n",
            SLOTS, oracle, peak));
    System.out.println(table);

    Path docs = Bench.docs();
    String image = quick ? "b3-capacity-quick.png" : "b3-capacity.png";
    List<Chart.Panel> panels = new ArrayList<>();
    double[] need = new double[demand.length];
    for (int i = 0; i < demand.length; i++) {
      need[i] = demand[i];
    }
    for (Map.Entry<String, FleetSimulation.Result> e : results.entrySet()) {
      panels.add(
          new Chart.Panel(
              e.getKey(),
              List.of(
                  new Chart.Series("workers", new Color(0x1f77b4), workers(e.getValue())),
                  new Chart.Series("oracle (demand)", new Color(0xd62728), need))));
    }
    Chart.write(
        docs.resolve("img").resolve(image),
        "B3: workers vs demand over the compressed day",
        "time (s)",
        1,
        panels);

    String command =
        quick
            ? "./mvnw -B -ntp -pl operator -am test -Pbenchmark -Dtest=CapacityBenchmark"
                + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dbench.quick=true"
            : "./mvnw -B -ntp -pl operator -am test -Pbenchmark -Dtest=CapacityBenchmark"
                + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs";
    String section =
        "## B3: capacity efficiency over a diurnal day\n\n"
            + "A simulation, not the sandbox: a fleet of simulated workers on a simulated clock,"
            + " scaled every second by the real planner (`Autoscaler.decide`, operator) and, for"
            + " comparison, by an HPA-style policy written in the benchmark from the documented HPA"
            + " defaults (15 s sync, metrics 15–60 s stale, 10 % tolerance, 300 s down"
            + " stabilization, CPU target 70 %, CPU taken as proportional to calls), a static"
            + " fleet sized for the peak, and the oracle. Calls go to the least loaded registered"
            + " worker with a free slot; a worker is full at "
            + SLOTS
            + " calls (our worker's maxJobs; load = calls / "
            + SLOTS
            + "); a call that finds no free worker waits for one. A created worker registers "
            + STARTUP_SECONDS
            + " s later (a stand-in figure, not a controlled measurement: in one sandbox run's"
            + " operator log on 2 busy cores, the next decision counted a new JVM worker 5–23 s"
            + " after the one that added it). The model has not been replayed against the"
            + " sandbox; `FleetSimulationTest` checks only that it waits, drains and cuts as"
            + " written here. Agentfleet removes only"
            + " by draining, idle first; the HPA-style fleet removes the newest pods as a"
            + " ReplicaSet does, whatever they carry, and calls still running after a 30 s"
            + " termination grace are cut (the *calls cut* column): a Deployment's scale-down"
            + " ends calls, which Agentfleet never does.\n\n"
            + "- Trace: "
            + trace.source()
            + "; "
            + trace.calls().size()
            + " calls over "
            + Math.round(trace.lengthSeconds())
            + " s, durations log-normal (median 120 s, σ 0.7)\n"
            + "- Agentfleet settings: the sandbox's sample (target load 0.5, one idle worker, "
            + SLOTS
            + " jobs per worker), scale-down stabilization 300 s; *by slots*: the same with"
            + " `jobsPerWorker: "
            + SLOTS
            + "`, so capacity is counted in the calls a worker takes rather than at half load"
            + " (and the tolerance band holds only against shrinking); *measured warm buffer*:"
            + " `warmBuffer: Measured`, room for the largest rise in calls over one measured"
            + " start-up in the last 10 minutes plus its square root, instead of one idle worker."
            + " *Before* is the planner and settings as they were; the *after* rows run the"
            + " changed planner, also with workers that take "
            + SLOW_STARTUP_SECONDS
            + " s to register (a model download, a large image)\n"
            + "- Oracle: at each second exactly ceil(calls / "
            + SLOTS
            + ") workers, started ahead of need\n"
            + "- Command: `"
            + command
            + "`\n"
            + "- Measured: "
            + Bench.machine()
            + "\n\n"
            + table
            + "\n![B3: workers vs demand per policy](img/"
            + image
            + ")\n";
    BenchmarkReport.write(docs.resolve("benchmarks.md"), "b3-capacity", section);

    FleetSimulation.Result agentfleet = results.values().iterator().next();
    assertThat(agentfleet.perCallSecond()).isGreaterThanOrEqualTo(oracle);
    assertThat(agentfleet.dispatches()).isEqualTo(trace.calls().size());
    assertThat(agentfleet.cut()).isZero();
    assertThat(Files.size(docs.resolve("img").resolve(image))).isPositive();
  }

  /** Workers the oracle keeps at each second: ceil(calls in progress / slots). */
  static int[] oracleWorkers(Trace trace) {
    int n = (int) Math.ceil(trace.lengthSeconds());
    int[] delta = new int[n + 1];
    for (Trace.Call c : trace.calls()) {
      int from = (int) Math.floor(c.arrival());
      int to = (int) Math.min(n, Math.floor(c.arrival() + c.duration()));
      delta[from]++;
      delta[to]--;
    }
    int[] workers = new int[n];
    int calls = 0;
    for (int t = 0; t < n; t++) {
      calls += delta[t];
      workers[t] = (calls + SLOTS - 1) / SLOTS;
    }
    return workers;
  }

  static double[] workers(FleetSimulation.Result r) {
    return r.points().stream().mapToDouble(FleetSimulation.Point::capacityWorkers).toArray();
  }
}
