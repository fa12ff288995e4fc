package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.sandbox.calls.Arrivals;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.calls.PlannedCall;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Issue 7 end to end: the operator autoscales the Java worker fleet on a call rate that ramps up
 * and down; the call ledger shows no call ended by a removed worker and none that never found one.
 */
@ExtendWith(AutoscaleSystemTest.DumpOnFailure.class)
class AutoscaleSystemTest {
  static final String NAME = "autoscaled-agent";
  static final int MAX_REPLICAS = 6;

  static Sandbox sandbox;
  static Fleet fleet;

  static final class DumpOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (fleet != null) {
        System.err.println(fleet.dump());
      }
    }
  }

  /** One look at the fleet, once a second. */
  record Sample(
      long second, int inCall, int waiting, int livePods, int desired, boolean limitedAtMax) {}

  @BeforeAll
  static void start() throws IOException {
    sandbox = TestSandboxes.start("autoscale");
    fleet = new Fleet(sandbox, NAME);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  void workersFollowACallRateUpAndDownWithoutDroppingCalls() throws Exception {
    AgentDeployment d = SampleAgent.deployment(NAME, sandbox.livekitUrl(), 1, true);
    Autoscaling autoscaling = d.getSpec().getAutoscaling();
    // By calls: 5 per worker plus one idle worker in reserve, 1 to 6 workers.
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(MAX_REPLICAS);
    autoscaling.setJobsPerWorker(5);
    autoscaling.setIdleWorkers(1);
    autoscaling.setScaleDown(new ScalingRules(20, 0));
    Fleet.addEnv(d.getSpec().getTemplate(), "AGENTFLEET_LOAD_THRESHOLD", "1.0");
    fleet.resource().create(d);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(90))
        .until(() -> fleet.ready().size() == 1 && fleet.registered().size() == 1);

    // Calls per minute: 6 → 60 over the first 50 s, back to 0 at 100 s; ~12 s each, so up to
    // about 12 at once: the operator wants 12 / 5 + 1 = 4 workers at the peak.
    Duration rampUp = Duration.ofSeconds(50);
    Duration end = Duration.ofSeconds(100);
    Arrivals.RateProfile rate =
        t ->
            t < rampUp.toSeconds()
                ? 6 + 54 * t / rampUp.toSeconds()
                : t < end.toSeconds()
                    ? 60 * (end.toSeconds() - t) / (end.toSeconds() - rampUp.toSeconds())
                    // past the end (never placed): a rate above 0 lets the generator get there
                    : 60;
    Iterator<PlannedCall> plan =
        until(Arrivals.poisson(rate, 60, Duration.ofSeconds(12), NAME, new Random(7)), end);

    List<Sample> samples = new CopyOnWriteArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    sampler.scheduleWithFixedDelay(
        () -> {
          try {
            samples.add(sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)));
          } catch (RuntimeException e) {
            // a missed sample
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
    try {
      sandbox.callers().play(plan);
      // Calls end; after the quiet window the fleet is back at its minimum.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) > end.toSeconds()
                      && fleet.allCalls().stream().allMatch(c -> c.outcome().ended())
                      && fleet.pods().size() == 1);
    } finally {
      sampler.shutdownNow();
    }

    List<CallRecord> calls = fleet.allCalls();
    Map<CallOutcome, Long> outcomes =
        calls.stream().collect(Collectors.groupingBy(CallRecord::outcome, Collectors.counting()));
    int peakPods = samples.stream().mapToInt(Sample::livePods).max().orElse(0);
    int peakCalls = samples.stream().mapToInt(Sample::inCall).max().orElse(0);
    System.out.printf(
        "autoscale ramp: %d calls %s, peak %d in call, peak %d workers, %d scale events%n",
        calls.size(),
        outcomes,
        peakCalls,
        peakPods,
        events(EventReason.ScalingUp.name()) + events(EventReason.ScalingDown.name()));
    System.out.println("samples (s, in call, waiting, live pods, desired, at max): " + samples);

    // Workers were added while calls rose: more than one worker before the rate peaked.
    assertThat(
            samples.stream()
                .filter(s -> s.second() <= rampUp.toSeconds() + 5)
                .mapToInt(Sample::livePods)
                .max()
                .orElse(0))
        .as("workers while the rate rises")
        .isGreaterThan(1);
    // None removed while the rate rose.
    List<Sample> rising = samples.stream().filter(s -> s.second() <= rampUp.toSeconds()).toList();
    for (int i = 1; i < rising.size(); i++) {
      assertThat(rising.get(i).livePods())
          .as("workers at %ds", rising.get(i).second())
          .isGreaterThanOrEqualTo(rising.get(i - 1).livePods());
    }
    // And removed after they fell: back to one (the await above), only after the calls ebbed.
    assertThat(fleet.pods()).hasSize(1);
    assertThat(events(EventReason.ScalingUp.name())).as("scale-up Events").isPositive();
    assertThat(events(EventReason.ScalingDown.name())).as("scale-down Events").isPositive();

    assertThat(calls).hasSizeGreaterThan(30);
    assertThat(outcomes.getOrDefault(CallOutcome.DROPPED, 0L)).as("dropped").isZero();
    assertThat(outcomes.getOrDefault(CallOutcome.ENDED_EARLY, 0L)).as("ended early").isZero();
    assertThat(outcomes.getOrDefault(CallOutcome.FAILED, 0L)).as("failed").isZero();
    assertThat(outcomes.getOrDefault(CallOutcome.NEVER_PLACED, 0L)).as("never placed").isZero();
    // A call placed late is allowed only while the operator held the fleet at maxReplicas.
    long late = outcomes.getOrDefault(CallOutcome.COMPLETED_LATE, 0L);
    if (late > 0) {
      assertThat(samples).as("placed late, yet not held at max").anyMatch(Sample::limitedAtMax);
    }
    assertThat(outcomes.getOrDefault(CallOutcome.COMPLETED, 0L)).isEqualTo(calls.size() - late);
  }

  /**
   * More calls than {@code maxReplicas} workers can carry, then fewer. The LiveKit server offers
   * each dispatch once; the ones that find every worker full wait in their rooms. The operator
   * counts them as demand (so the fleet grows to its maximum and never shrinks while one waits) and
   * dispatches them again as workers free up: each is placed late, and completes.
   */
  @Test
  void callsBeyondMaxWaitWithoutTheFleetShrinkingAndArePlacedLate() throws Exception {
    String name = "overflow-agent";
    Fleet overflow = new Fleet(sandbox, name);
    AgentDeployment d = SampleAgent.deployment(name, sandbox.livekitUrl(), 1, true);
    Autoscaling autoscaling = d.getSpec().getAutoscaling();
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(2);
    autoscaling.setJobsPerWorker(3);
    autoscaling.setIdleWorkers(0);
    autoscaling.setScaleDown(new ScalingRules(5, 0));
    // Workers full at 3 calls: two carry 6.
    var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    env.removeIf(e -> e.getName().equals("AGENTFLEET_MAX_JOBS"));
    env.add(new EnvVarBuilder().withName("AGENTFLEET_MAX_JOBS").withValue("3").build());
    overflow.resource().create(d);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(90))
        .until(() -> overflow.ready().size() == 1 && overflow.registered().size() == 1);

    List<CallRecord> placed = new ArrayList<>();
    List<int[]> samples = new CopyOnWriteArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> {
          try {
            AgentDeployment now = overflow.get();
            int waiting =
                (int)
                    overflow.ledgerOf(placed).stream()
                        .filter(c -> c.outcome() == CallOutcome.WAITING)
                        .count();
            samples.add(new int[] {now.getSpec().getReplicas(), waiting});
          } catch (RuntimeException e) {
            // a missed sample
          }
        },
        0,
        500,
        TimeUnit.MILLISECONDS);
    try {
      for (int i = 0; i < 10; i++) {
        placed.add(sandbox.callers().place(name, Duration.ofSeconds(25)));
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> overflow.ledgerOf(placed).stream().allMatch(c -> c.outcome().ended()));
    } finally {
      sampler.shutdownNow();
    }

    List<CallRecord> calls = overflow.ledgerOf(placed);
    Map<CallOutcome, Long> outcomes =
        calls.stream().collect(Collectors.groupingBy(CallRecord::outcome, Collectors.counting()));
    System.out.printf(
        "overflow: %s, join ms %s%n",
        outcomes, calls.stream().map(c -> c.joinLatency().toMillis()).toList());
    assertThat(
            outcomes.getOrDefault(CallOutcome.COMPLETED, 0L)
                + outcomes.getOrDefault(CallOutcome.COMPLETED_LATE, 0L))
        .as("every call completed, on time or late: " + outcomes)
        .isEqualTo(10);
    assertThat(outcomes.getOrDefault(CallOutcome.COMPLETED_LATE, 0L))
        .as("calls beyond the two workers' 6 slots waited")
        .isGreaterThanOrEqualTo(4);
    assertThat(calls)
        .filteredOn(c -> c.outcome() == CallOutcome.COMPLETED_LATE)
        .allMatch(c -> c.joinLatency().compareTo(CallRecord.LATE) > 0);
    // The fleet never shrank while a call waited.
    for (int i = 1; i < samples.size(); i++) {
      if (samples.get(i)[1] > 0 || samples.get(i - 1)[1] > 0) {
        assertThat(samples.get(i)[0])
            .as("replicas at sample %d while %d calls waited", i, samples.get(i)[1])
            .isGreaterThanOrEqualTo(samples.get(i - 1)[0]);
      }
    }
    assertThat(samples).as("the fleet grew to its maximum").anyMatch(x -> x[0] == 2);
    assertThat(overflow.events())
        .as("DispatchReoffered Events")
        .anyMatch(e -> EventReason.DispatchReoffered.name().equals(e.getReason()));
    // Then fewer calls: back to one worker.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofMinutes(2))
        .until(() -> overflow.live().size() == 1);
    overflow.resource().delete();
  }

  private static Sample sample(long second) {
    List<CallRecord> calls = fleet.allCalls();
    AgentDeployment d = fleet.get();
    boolean atMax = false;
    int desired = 0;
    if (d != null && d.getStatus() != null) {
      desired = d.getStatus().getDesiredReplicas() == null ? 0 : d.getStatus().getDesiredReplicas();
      for (Condition c : d.getStatus().getConditions()) {
        atMax |=
            c.getType().equals(ConditionType.SCALING_LIMITED)
                && c.getStatus().equals("True")
                && ConditionReason.TOO_MANY_REPLICAS.equals(c.getReason());
      }
    }
    return new Sample(
        second,
        (int) calls.stream().filter(c -> c.outcome() == CallOutcome.IN_CALL).count(),
        (int) calls.stream().filter(c -> c.outcome() == CallOutcome.WAITING).count(),
        fleet.live().size(),
        desired,
        atMax);
  }

  private static long events(String reason) {
    return fleet.events().stream().filter(e -> reason.equals(e.getReason())).count();
  }

  /** The plan's calls that arrive before {@code end}. */
  private static Iterator<PlannedCall> until(Iterator<PlannedCall> plan, Duration end) {
    return new Iterator<>() {
      PlannedCall next = advance();

      private PlannedCall advance() {
        PlannedCall call = plan.next();
        return call.at().compareTo(end) < 0 ? call : null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public PlannedCall next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        PlannedCall call = next;
        next = advance();
        return call;
      }
    };
  }
}
