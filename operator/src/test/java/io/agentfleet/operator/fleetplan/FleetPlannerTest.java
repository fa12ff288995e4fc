package io.agentfleet.operator.fleetplan;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.api.v1alpha1.ScalingSchedule;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.SampleDeployments;
import io.agentfleet.operator.autoscale.ScaleDecision.Limit;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.fleetplan.FleetPlan.Resync;
import io.agentfleet.operator.placement.Placement;
import io.agentfleet.operator.placement.WaitingDispatch;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.StoredRevisions;
import io.agentfleet.operator.revision.TemplateHash;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.PodNames;
import io.agentfleet.operator.workers.PodRenderer;
import io.agentfleet.operator.workers.WorkerPod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole reconcile's decisions over one snapshot: what is written, in which case, and why. */
class FleetPlannerTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final String CHECKSUM = "c0ffee";

  static AgentDeployment deployment(int replicas) {
    AgentDeployment d = SampleDeployments.ourWorker("voice", replicas, "agent:1");
    d.getMetadata().setNamespace("default");
    d.getMetadata().setUid("uid-1");
    return d;
  }

  static String hashOf(AgentDeployment d) {
    return TemplateHash.of(PodRenderer.effectiveTemplate(d, CHECKSUM));
  }

  static WorkerPod idleWorker(String name, String revision) {
    return new WorkerPod(
        name,
        revision,
        true,
        false,
        false,
        NOW.minusSeconds(600),
        WorkerReport.idle(WorkerStatusFormat.AGENTFLEET));
  }

  static Snapshot.Reads reads(StoredRevisions revisions, List<WaitingDispatch> dispatches) {
    return new Snapshot.Reads(
        CHECKSUM, revisions, dispatches, 0, ScalingHistory.empty(), Optional.empty());
  }

  static Snapshot snapshot(AgentDeployment d, List<WorkerPod> workers, Snapshot.Reads reads) {
    return new Snapshot(
        d, List.of(), workers, List.of(), Optional.empty(), Optional.of(reads), NOW);
  }

  static Autoscaling autoscaling(int min, int max) {
    Autoscaling a = new Autoscaling();
    a.setEnabled(true);
    a.setMinReplicas(min);
    a.setMaxReplicas(max);
    return a;
  }

  static StoredRevisions none() {
    return new StoredRevisions(List.of(), Set.of());
  }

  /** A fleet at rest on its only revision, as the last reconcile left it. */
  static Snapshot atRest(AgentDeployment d, List<WaitingDispatch> dispatches) {
    String hash = hashOf(d);
    String name = PodNames.revision("voice", hash);
    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setUpdateRevision(name);
    status.setCurrentRevision(name);
    d.setStatus(status);
    List<WorkerPod> workers = new ArrayList<>();
    for (int i = 0; i < d.getSpec().getReplicas(); i++) {
      workers.add(idleWorker("voice-" + hash + "-" + i, hash));
    }
    StoredRevisions stored = new StoredRevisions(List.of(new Revision(hash, name, 1)), Set.of());
    return snapshot(d, workers, reads(stored, dispatches));
  }

  @Test
  void anInvalidSpecWritesNothingAndKeepsTheLastRevisionInStatus() {
    AgentDeployment d = deployment(2);
    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setUpdateRevision("voice-abc123");
    d.setStatus(status);
    Snapshot s =
        new Snapshot(
            d,
            List.of(),
            List.of(),
            List.of("spec.livekit.url: must be a ws://, wss://, http:// or https:// URL"),
            Optional.empty(),
            Optional.empty(),
            NOW);

    FleetPlan plan = FleetPlanner.plan(s);

    assertThat(plan.writes()).isEmpty();
    assertThat(plan.trouble()).map(Trouble::reason).contains(EventReason.InvalidSpec.name());
    assertThat(plan.trouble().get().message()).contains("spec.livekit.url");
    assertThat(plan.view().updateRevision()).isEqualTo("voice-abc123");
    assertThat(plan.view().updateHash()).isEqualTo("abc123");
    assertThat(plan.resync()).isEqualTo(Resync.NONE);
  }

  @Test
  void aMissingSecretWritesNothing() {
    Trouble missing = new Trouble("SecretNotFound", "spec.livekit.credentialsSecret: no Secret");
    Snapshot s =
        new Snapshot(
            deployment(2),
            List.of(),
            List.of(),
            List.of(),
            Optional.of(missing),
            Optional.empty(),
            NOW);

    FleetPlan plan = FleetPlanner.plan(s);

    assertThat(plan.writes()).isEmpty();
    assertThat(plan.trouble()).contains(missing);
  }

  @Test
  void anUnusableScheduleIsInvalidBeforeAnyRevisionIsPlanned() {
    AgentDeployment d = deployment(1);
    Autoscaling a = autoscaling(1, 5);
    ScalingSchedule schedule = new ScalingSchedule();
    schedule.setCron("61 * * * *");
    schedule.setDurationMinutes(10);
    schedule.setMinReplicas(3);
    a.setSchedules(List.of(schedule));
    d.getSpec().setAutoscaling(a);

    FleetPlan plan = FleetPlanner.plan(snapshot(d, List.of(), reads(none(), List.of())));

    assertThat(plan.writes()).as("no revision stored for a spec that cannot be used").isEmpty();
    assertThat(plan.trouble()).map(Trouble::reason).contains(EventReason.InvalidSpec.name());
    assertThat(plan.trouble().get().message()).contains("cron");
  }

  @Test
  void theAutoscalersSizeIsWhatTheRolloutPlansWithTheSpecUntouched() {
    AgentDeployment d = deployment(1);
    d.getSpec().setAutoscaling(autoscaling(3, 5));

    FleetPlan plan = FleetPlanner.plan(snapshot(d, List.of(), reads(none(), List.of())));

    FleetPlan.Writes writes = plan.writes().orElseThrow();
    assertThat(writes.scaling()).hasValueSatisfying(s -> assertThat(s.replicas()).isEqualTo(3));
    assertThat(writes.rollout().create()).isEqualTo(3);
    assertThat(d.getSpec().getReplicas()).as("the snapshot is not changed").isEqualTo(1);
    assertThat(plan.view().lastScaleTime()).contains(NOW);
    assertThat(plan.resync()).isEqualTo(Resync.REGULAR);
  }

  @Test
  void aNewTemplateIsStoredAsTheNextRevisionAndItsPodsAreCreated() {
    AgentDeployment d = deployment(2);
    String hash = hashOf(d);
    StoredRevisions old =
        new StoredRevisions(List.of(new Revision("0ld", "voice-0ld", 4)), Set.of());

    FleetPlan plan =
        FleetPlanner.plan(
            snapshot(
                d,
                List.of(idleWorker("voice-0ld-a", "0ld"), idleWorker("voice-0ld-b", "0ld")),
                reads(old, List.of())));

    FleetPlan.Writes writes = plan.writes().orElseThrow();
    assertThat(writes.revisions().create())
        .contains(new Revision(hash, PodNames.revision("voice", hash), 5));
    assertThat(writes.update().number()).isEqualTo(5);
    assertThat(writes.scaling()).as("not autoscaled").isEmpty();
    assertThat(writes.rollout().create()).isPositive();
    assertThat(writes.rollout().remove()).as("nothing drained before a new worker is up").isEmpty();
    assertThat(plan.resync()).as("a rollout in progress").isEqualTo(Resync.REGULAR);
  }

  @Test
  void aFleetAtRestWritesNothingAndWaitsForEvents() {
    FleetPlan plan = FleetPlanner.plan(atRest(deployment(2), List.of()));

    FleetPlan.Writes writes = plan.writes().orElseThrow();
    assertThat(writes.revisions().writesNothing()).isTrue();
    assertThat(writes.rollout().changesNothing()).isTrue();
    assertThat(writes.rollout().phase()).isEqualTo(RolloutPhase.Completed);
    assertThat(writes.placement().reoffer()).isEmpty();
    assertThat(plan.trouble()).isEmpty();
    assertThat(plan.resync()).isEqualTo(Resync.NONE);
  }

  /** A dispatch of the fleet's agent in room-1, made {@code ageSeconds} ago. */
  static WaitingDispatch dispatch(int ageSeconds, int jobs) {
    return new WaitingDispatch("AD_1", "room-1", "", "{}", NOW.minusSeconds(ageSeconds), jobs);
  }

  /** The fixed fleet of two at rest, with that one dispatch in its watched rooms. */
  static FleetPlan atRestWith(WaitingDispatch dispatch) {
    return FleetPlanner.plan(atRest(deployment(2), List.of(dispatch)));
  }

  @Test
  void aDispatchNoWorkerTookIsMadeAgainAndWatchedEvenWithoutAutoscaling() {
    WaitingDispatch given = dispatch(30, 0);

    FleetPlan plan = atRestWith(given);

    Placement placement = plan.writes().orElseThrow().placement();
    assertThat(placement.waiting()).isOne();
    assertThat(placement.reoffer()).containsExactly(given);
    assertThat(plan.resync()).isEqualTo(Resync.REGULAR);
  }

  /**
   * A re-offer can be given up like the first offer (the server may offer it to a worker that never
   * answers). An idle fleet at its size sends no event, so the reconcile must come back by itself
   * to see that, not at the controller's maximum interval.
   */
  @Test
  void aDispatchJustMadeAgainKeepsTheReconcileComingBackUntilItHasAJob() {
    FleetPlan plan = atRestWith(dispatch(1, 0));

    Placement placement = plan.writes().orElseThrow().placement();
    assertThat(placement.waiting()).isZero();
    assertThat(placement.reoffer()).isEmpty();
    assertThat(plan.resync()).isEqualTo(Resync.REGULAR);
    assertThat(atRestWith(dispatch(1, 1)).resync())
        .as("once the server lists its job, nothing is left to look at")
        .isEqualTo(Resync.NONE);
  }

  @Test
  void aGracePeriodShorterThanTheDrainIsAWarningThatStillWrites() {
    AgentDeployment d = deployment(2);
    d.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(30L);
    d.getSpec().getDrain().setTimeoutSeconds(600);

    FleetPlan plan = FleetPlanner.plan(atRest(d, List.of()));

    assertThat(plan.writes()).isPresent();
    assertThat(plan.trouble())
        .map(Trouble::reason)
        .contains(EventReason.GracePeriodShorterThanDrain.name());
  }

  @Test
  void aCrashLoopingNewRevisionIsRolledBackInsteadOfTouchingPods() {
    AgentDeployment d = deployment(2);
    io.agentfleet.api.v1alpha1.Rollback policy = new io.agentfleet.api.v1alpha1.Rollback();
    policy.setAutomatic(true);
    d.getSpec().setRollback(policy);
    String hash = hashOf(d);
    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setUpdateRevision(PodNames.revision("voice", hash));
    status.setCurrentRevision("voice-0ld");
    status.setLastStableRevision("voice-0ld");
    d.setStatus(status);
    StoredRevisions stored =
        new StoredRevisions(
            List.of(
                new Revision("0ld", "voice-0ld", 1),
                new Revision(hash, PodNames.revision("voice", hash), 2)),
            Set.of());
    List<WorkerPod> workers =
        List.of(
            idleWorker("voice-0ld-a", "0ld"),
            idleWorker("voice-0ld-b", "0ld"),
            new WorkerPod(
                "voice-" + hash + "-a",
                hash,
                false,
                false,
                false,
                NOW.minusSeconds(120),
                null,
                5,
                NOW.minusSeconds(5)));

    FleetPlan plan = FleetPlanner.plan(snapshot(d, workers, reads(stored, List.of())));

    FleetPlan.Writes writes = plan.writes().orElseThrow();
    assertThat(writes.rollback()).hasValueSatisfying(r -> assertThat(r).contains("crash loop"));
    assertThat(writes.stableRevision()).isEqualTo("voice-0ld");
    assertThat(plan.view().rollout()).map(r -> r.phase()).contains(RolloutPhase.RolledBack);
    assertThat(plan.view().lastStableRevision()).isEqualTo("voice-0ld");
    assertThat(plan.resync()).isEqualTo(Resync.SOON);
  }

  // ---- workers stuck not ready, outside a rollout

  static WorkerPod stuck(String hash, int createdMinutesAgo, int restarts, WorkerReport report) {
    return new WorkerPod(
        "voice-" + hash + "-stuck",
        hash,
        false,
        false,
        false,
        NOW.minusSeconds(60L * createdMinutesAgo),
        report,
        restarts,
        null);
  }

  /** The fleet at rest with its last worker swapped for the given one. */
  static Snapshot withLast(AgentDeployment d, java.util.function.Function<String, WorkerPod> last) {
    Snapshot rest = atRest(d, List.of());
    List<WorkerPod> workers = new ArrayList<>(rest.workers());
    workers.set(workers.size() - 1, last.apply(hashOf(d)));
    return snapshot(d, workers, rest.reads().orElseThrow());
  }

  @Test
  void aWorkerNeverReadyForFiveMinutesIsReplacedOneAtATime() {
    FleetPlan plan = FleetPlanner.plan(withLast(deployment(2), h -> stuck(h, 6, 0, null)));

    FleetPlan.Writes writes = plan.writes().orElseThrow();
    assertThat(writes.rollout().remove())
        .extracting(WorkerPod::name)
        .containsExactly("voice-" + hashOf(deployment(2)) + "-stuck");
    assertThat(writes.rollout().create()).isOne();
    assertThat(writes.rollout().message()).contains("not ready for 6 min");
  }

  @Test
  void aCrashLoopingWorkerIsReplacedEvenBeforeFiveMinutesNotReady() {
    AgentDeployment d = deployment(2);
    FleetPlan plan =
        FleetPlanner.plan(
            withLast(
                d,
                h ->
                    new WorkerPod(
                        "voice-" + h + "-loop",
                        h,
                        false,
                        false,
                        false,
                        NOW.minusSeconds(3600),
                        null,
                        4,
                        NOW.minusSeconds(20))));

    assertThat(plan.writes().orElseThrow().rollout().message()).contains("crash looping (4");
  }

  @Test
  void aPodCreatedInTheLastFiveMinutesHoldsAnyReplacement() {
    AgentDeployment d = deployment(3);
    Snapshot rest = atRest(d, List.of());
    List<WorkerPod> workers = new ArrayList<>(rest.workers());
    String hash = hashOf(d);
    workers.set(1, stuck(hash, 30, 0, null));
    workers.set(2, new WorkerPod("voice-" + hash + "-new", hash, false, false, false, NOW));

    FleetPlan plan = FleetPlanner.plan(snapshot(d, workers, rest.reads().orElseThrow()));

    assertThat(plan.writes().orElseThrow().rollout().changesNothing()).isTrue();
  }

  @Test
  void aNotReadyWorkerWithCallsOrNotReadyBrieflyStays() {
    WorkerReport busy =
        new WorkerReport(2, 0.4, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET);
    FleetPlan withCalls = FleetPlanner.plan(withLast(deployment(2), h -> stuck(h, 60, 0, busy)));
    FleetPlan brief =
        FleetPlanner.plan(
            withLast(
                deployment(2),
                h ->
                    new WorkerPod(
                        "voice-" + h + "-blip",
                        h,
                        false,
                        false,
                        false,
                        NOW.minusSeconds(3600),
                        null,
                        0,
                        NOW.minusSeconds(30))));

    assertThat(withCalls.writes().orElseThrow().rollout().changesNothing()).isTrue();
    assertThat(brief.writes().orElseThrow().rollout().changesNothing()).isTrue();
  }

  // ---- LiveKit unreachable: every worker answers, none is registered

  /** A worker that reports (its process runs) but is not ready: not registered with LiveKit. */
  static WorkerPod unregistered(String hash, int i, int calls, int notReadySeconds) {
    return new WorkerPod(
        "voice-" + hash + "-" + i,
        hash,
        false,
        false,
        false,
        NOW.minusSeconds(3600),
        new WorkerReport(calls, 0.1, false, false, 10, 0L, 0L, WorkerStatusFormat.AGENTFLEET),
        0,
        NOW.minusSeconds(notReadySeconds));
  }

  /** Three workers, two idle and one with 2 calls, none registered for so many seconds. */
  static List<WorkerPod> unregisteredFleet(String hash, int notReadySeconds) {
    return List.of(
        unregistered(hash, 0, 0, notReadySeconds),
        unregistered(hash, 1, 0, notReadySeconds),
        unregistered(hash, 2, 2, notReadySeconds));
  }

  @Test
  void whenNoWorkerIsRegisteredForLongTheCauseIsLiveKitAndNoWorkerIsReplaced() {
    AgentDeployment d = deployment(3);
    Snapshot rest = atRest(d, List.of());
    String hash = hashOf(d);
    // Not ready for 10 minutes, idle: each alone would be replaced as stuck.
    List<WorkerPod> workers = unregisteredFleet(hash, 600);

    FleetPlan plan = FleetPlanner.plan(snapshot(d, workers, rest.reads().orElseThrow()));

    assertThat(plan.writes().orElseThrow().rollout().changesNothing()).isTrue();
    assertThat(plan.trouble()).map(Trouble::reason).contains(EventReason.LiveKitUnreachable.name());
    assertThat(plan.trouble().orElseThrow().message()).contains(d.getSpec().getLivekit().getUrl());
  }

  @Test
  void oneRegisteredWorkerOrABriefBlipIsNoOutage() {
    AgentDeployment d = deployment(3);
    Snapshot rest = atRest(d, List.of());
    String hash = hashOf(d);
    List<WorkerPod> oneRegistered =
        List.of(
            unregistered(hash, 0, 0, 600),
            unregistered(hash, 1, 0, 600),
            idleWorker("voice-" + hash + "-2", hash));
    List<WorkerPod> brief =
        List.of(
            unregistered(hash, 0, 0, 600),
            unregistered(hash, 1, 0, 600),
            unregistered(hash, 2, 0, 3));

    FleetPlan withOne = FleetPlanner.plan(snapshot(d, oneRegistered, rest.reads().orElseThrow()));
    FleetPlan blip = FleetPlanner.plan(snapshot(d, brief, rest.reads().orElseThrow()));

    assertThat(withOne.trouble()).isEmpty();
    // The stuck worker is replaced as before: the others show LiveKit is there.
    assertThat(withOne.writes().orElseThrow().rollout().remove()).hasSize(1);
    assertThat(blip.trouble()).isEmpty();
  }

  @Test
  void anAutoscaledFleetKeepsItsIdleWorkersThroughAnOutage() {
    AgentDeployment d = deployment(3);
    Autoscaling a = autoscaling(1, 10);
    a.setScaleDown(new ScalingRules(0, 0));
    d.getSpec().setAutoscaling(a);
    Snapshot rest = atRest(d, List.of());
    String hash = hashOf(d);
    List<WorkerPod> unregistered = unregisteredFleet(hash, 600);
    List<WorkerPod> brief = unregisteredFleet(hash, 3);

    FleetPlan.Writes outage =
        FleetPlanner.plan(snapshot(d, unregistered, rest.reads().orElseThrow()))
            .writes()
            .orElseThrow();
    FleetPlan.Writes blip =
        FleetPlanner.plan(snapshot(d, brief, rest.reads().orElseThrow())).writes().orElseThrow();

    assertThat(outage.scaling())
        .hasValueSatisfying(
            s -> {
              assertThat(s.replicas()).isEqualTo(3);
              assertThat(s.limit()).isEqualTo(Limit.LIVEKIT_UNREACHABLE);
            });
    assertThat(outage.rollout().changesNothing()).isTrue();
    assertThat(blip.scaling())
        .as("not yet an outage: the idle workers may go")
        .hasValueSatisfying(s -> assertThat(s.replicas()).isLessThan(3));
  }
}
