package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.sandbox.calls.Arrivals;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.PlannedCall;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sandbox half of B3's model check: a step in call arrivals through an autoscaled fleet of our
 * Java worker on the real API server and livekit-server, the fleet and its calls looked at every
 * second. It writes the calls it placed ({@code arrival_s,duration_s,agent}) and what it saw
 * ({@code t_s,workers,registered,calls}, with the measured start-up) to {@code docs/data/}, where
 * the operator's {@code CapacityBenchmark} replays the same calls through its simulated fleet and
 * sets the two side by side.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl sandbox -am verify -Pbenchmark -Dtest=ModelCheckBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}; {@code -Dbench.quick=true} runs a shorter
 * step and writes to {@code target/bench}.
 */
@Tag("benchmark")
class ModelCheckBenchmark {
  static final String NAME = "modelled-agent";

  /** The fleet's settings; the operator's side of the check replays with the same. */
  static final int SLOTS = 5;

  static final int IDLE = 1;
  static final int MAX = 8;

  record Sample(long second, int workers, int registered, int calls) {}

  @Test
  void aStepInCallsThroughTheSandboxFleet() throws Exception {
    boolean quick = Boolean.getBoolean("bench.quick");
    long low = quick ? 40 : 90;
    long high = quick ? 60 : 180;
    long end = low + high;
    int downWindowSeconds = quick ? 20 : 60;
    Sandbox sandbox = TestSandboxes.start("b3-model");
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try {
      Fleet fleet = new Fleet(sandbox, NAME);
      AgentDeployment d = SampleAgent.deployment(NAME, sandbox.livekitUrl(), 1, true);
      Autoscaling a = d.getSpec().getAutoscaling();
      a.setMinReplicas(1);
      a.setMaxReplicas(MAX);
      a.setJobsPerWorker(SLOTS);
      a.setIdleWorkers(IDLE);
      a.setScaleDown(new ScalingRules(downWindowSeconds, 0));
      Fleet.addEnv(d.getSpec().getTemplate(), "AGENTFLEET_MAX_JOBS", Integer.toString(SLOTS));
      Fleet.addEnv(d.getSpec().getTemplate(), "AGENTFLEET_LOAD_THRESHOLD", "1.0");
      fleet.resource().create(d);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(90))
          .until(() -> fleet.ready().size() == 1 && fleet.registered().size() == 1);

      // 6 calls a minute, then 24: about 30 s each, so about 12 at once after the step.
      Arrivals.RateProfile rate = t -> t < low ? 6 : 24;
      Iterator<PlannedCall> endless =
          Arrivals.poisson(rate, 24, Duration.ofSeconds(30), NAME, new Random(11));
      List<PlannedCall> planned = new ArrayList<>();
      for (PlannedCall c = endless.next(); c.at().toSeconds() < end; c = endless.next()) {
        planned.add(c);
      }

      List<Sample> samples = new CopyOnWriteArrayList<>();
      Map<String, Instant> created = new HashMap<>();
      Map<String, Duration> startups = new HashMap<>();
      long start = System.nanoTime();
      Instant began = Instant.now();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              long second = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
              List<Pod> pods = fleet.pods();
              int registered = 0;
              for (Pod p : pods) {
                String name = p.getMetadata().getName();
                created.putIfAbsent(name, Instant.parse(p.getMetadata().getCreationTimestamp()));
                boolean ready = Fleet.isReady(p) && p.getMetadata().getDeletionTimestamp() == null;
                if (ready) {
                  registered++;
                  // Only pods born during the run: the first one started before it.
                  if (created.get(name).isAfter(began)) {
                    startups.putIfAbsent(name, Duration.between(created.get(name), Instant.now()));
                  }
                }
              }
              int calls =
                  (int)
                      fleet.allCalls().stream()
                          .filter(c -> c.outcome() == CallOutcome.IN_CALL)
                          .count();
              samples.add(new Sample(second, pods.size(), registered, calls));
            } catch (RuntimeException e) {
              // a missed sample
            }
          },
          0,
          1,
          TimeUnit.SECONDS);
      // Placed as they come, while this thread waits for them to end and the fleet to shrink.
      sandbox.callers().play(planned.iterator());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(end).plus(Duration.ofMinutes(5)))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) > end
                      && fleet.allCalls().stream().allMatch(c -> c.outcome().ended())
                      && fleet.pods().size() == 1);
      sampler.shutdownNow();

      List<Duration> measured = startups.values().stream().sorted().toList();
      assertThat(measured).as("workers started during the step").isNotEmpty();
      Duration median = measured.get(measured.size() / 2);
      Path data = quick ? Path.of("target", "bench", "data") : Path.of("..", "docs", "data");
      Files.createDirectories(data);
      StringBuilder trace = new StringBuilder("arrival_s,duration_s,agent\n");
      for (PlannedCall c : planned) {
        trace.append(
            String.format(
                Locale.ROOT,
                "%.3f,%.3f,%s%n",
                c.at().toMillis() / 1000.0,
                c.length().toMillis() / 1000.0,
                c.agentName()));
      }
      Files.writeString(data.resolve("b3-sandbox-trace.csv"), trace);
      StringBuilder seen =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "# startup_s=%.1f (median of %d, from %.1f to %.1f); slots=%d idle=%d max=%d"
                      + " down_window_s=%d%nt_s,workers,registered,calls%n",
                  median.toMillis() / 1000.0,
                  measured.size(),
                  measured.get(0).toMillis() / 1000.0,
                  measured.get(measured.size() - 1).toMillis() / 1000.0,
                  SLOTS,
                  IDLE,
                  MAX,
                  downWindowSeconds));
      for (Sample s : samples) {
        seen.append(
            String.format(
                Locale.ROOT, "%d,%d,%d,%d%n", s.second(), s.workers(), s.registered(), s.calls()));
      }
      Files.writeString(data.resolve("b3-sandbox-observed.csv"), seen);
      System.out.printf(
          "model check: %d calls, %d samples, start-up median %s of %d; written to %s%n",
          planned.size(), samples.size(), median, measured.size(), data.toAbsolutePath());
      assertThat(fleet.outcomes(fleet.allCalls()).getOrDefault(CallOutcome.DROPPED, 0L)).isZero();
    } finally {
      sampler.shutdownNow();
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }
}
