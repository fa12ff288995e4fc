package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.Rollback;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Issue 8 end to end: one AgentDeployment through a rolling update under 50 calls, a canary
 * promoted with {@code kubectl agents}, a broken image rolled back automatically, {@code rollout
 * undo --to-revision 1}, a ConfigMap rotation and a Secret rotation — each checked against the call
 * ledger. The methods run in order on one fleet (each starts from where the last one left it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RolloutSystemTest.DumpOnFailure.class)
class RolloutSystemTest {
  static final String NAME = "rollout-agent";
  static final String CONFIG_MAP = "agent-config";
  static final String SECRET = "agent-secrets";
  static final String BROKEN_IMAGE = "agentfleet/broken";
  static final Duration ROLLOUT = Duration.ofMinutes(4);
  static final Duration SLOW = Duration.ofSeconds(90);

  static Sandbox sandbox;
  static Fleet fleet;

  /** The revision hash of the first template (revision 1). */
  static String firstRevision;

  /** Calls of all scenarios: none may be dropped. */
  static final List<CallRecord> allCalls = new ArrayList<>();

  static final class DumpOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (fleet != null) {
        System.err.println(fleet.dump());
      }
    }
  }

  @BeforeAll
  static void start() throws IOException {
    sandbox =
        TestSandboxes.start(
            "rollouts",
            // A worker that exits as it starts: a release that cannot even boot.
            List.of(
                new ImageRule(
                    BROKEN_IMAGE,
                    List.of("sh", "-c", "echo 'broken worker: missing model file' >&2; exit 1"),
                    List.of(),
                    Map.of())),
            // No shortened resync: the operator's watch on Secrets and ConfigMaps must notice a
            // rotation by itself.
            Map.of());
    fleet = new Fleet(sandbox, NAME);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  @Order(1)
  void rollingUpdateWithFiftyCallsInFlightDropsNone() throws IOException {
    sandbox
        .client()
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(CONFIG_MAP)
                .endMetadata()
                .withData(Map.of("greeting", "v1"))
                .build())
        .create();
    sandbox
        .client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .endMetadata()
                .withStringData(Map.of("speech-api-key", "key-1"))
                .build())
        .create();
    AgentDeployment d = SampleAgent.deployment(NAME, sandbox.livekitUrl(), 6);
    container(d)
        .getEnv()
        .add(
            new EnvVarBuilder()
                .withName("AGENT_GREETING")
                .withNewValueFrom()
                .withNewConfigMapKeyRef()
                .withName(CONFIG_MAP)
                .withKey("greeting")
                .endConfigMapKeyRef()
                .endValueFrom()
                .build());
    container(d)
        .getEnv()
        .add(
            new EnvVarBuilder()
                .withName("SPEECH_API_KEY")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(SECRET)
                .withKey("speech-api-key")
                .endSecretKeyRef()
                .endValueFrom()
                .build());
    // Full at 10 calls rather than at the default load threshold of 0.7: 6 workers hold 60 calls.
    container(d).getEnv().add(env("AGENTFLEET_LOAD_THRESHOLD", "1.0"));
    Rollback rollback = new Rollback();
    rollback.setAutomatic(true);
    d.getSpec().setRollback(rollback);
    fleet.resource().create(d);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.ready().size() == 6 && fleet.registered().size() == 6);
    Set<String> oldPods = Fleet.names(fleet.pods());
    firstRevision = Fleet.revision(fleet.pods().get(0));

    // 50 calls of 30 to 120 s, spread evenly.
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(sandbox.callers().place(NAME, Duration.ofSeconds(30 + (i * 37) % 91)));
    }
    allCalls.addAll(calls);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.outcomes(calls).getOrDefault(CallOutcome.IN_CALL, 0L) == 50L);
    await()
        .atMost(SLOW)
        .until(
            () -> {
              fleet.track();
              return fleet.workerOfPod.keySet().containsAll(oldPods);
            });

    editTemplate(c -> c.getEnv().add(env("RELEASE", "2")));
    // New calls keep coming during the rollout.
    List<CallRecord> during = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      during.add(sandbox.callers().place(NAME, Duration.ofSeconds(15)));
    }
    allCalls.addAll(during);

    awaitRolledOutTo(oldPods, 6);
    String newRevision = Fleet.revision(fleet.live().get(0));
    assertThat(newRevision).isNotEqualTo(firstRevision);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.outcomes(calls).keySet().stream().allMatch(CallOutcome::ended));
    assertThat(fleet.outcomes(calls)).containsExactly(Map.entry(CallOutcome.COMPLETED, 50L));

    // Every old worker's process ended after its last call did.
    await().atMost(SLOW).until(() -> fleet.exitOfPod.keySet().containsAll(oldPods));
    List<CallRecord> ended = fleet.ledgerOf(calls);
    for (String pod : oldPods) {
      String worker = fleet.workerOfPod.get(pod);
      ended.stream()
          .filter(c -> worker.equals(c.workerId()))
          .map(CallRecord::endedAt)
          .max(Instant::compareTo)
          .ifPresent(
              lastCallEnd ->
                  assertThat(fleet.exitOfPod.get(pod).plusSeconds(1))
                      .as("exit of %s after its last call", pod)
                      .isAfter(lastCallEnd));
    }

    // At the end the new revision serves every new call.
    fleet.track();
    Set<String> newWorkers =
        fleet.live().stream()
            .map(p -> fleet.workerOfPod.get(p.getMetadata().getName()))
            .collect(Collectors.toSet());
    List<CallRecord> after = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      after.add(sandbox.callers().place(NAME, Duration.ofSeconds(5)));
    }
    allCalls.addAll(after);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.ledgerOf(after).stream().allMatch(c -> c.workerId() != null));
    assertThat(fleet.ledgerOf(after)).allMatch(c -> newWorkers.contains(c.workerId()));
    assertNoneDropped();

    // Fewer workers for the scenarios that follow.
    fleet.resource().scale(4);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.pods().size() == 4 && fleet.registered().size() == 4);
  }

  @Test
  @Order(2)
  void canaryHoldsItsWeightUntilPromoted() throws IOException {
    Set<String> oldPods = Fleet.names(fleet.pods());
    List<CallRecord> calls = placeCalls(8, Duration.ofSeconds(20));
    editDeployment(
        d -> {
          Strategy strategy = new Strategy();
          strategy.setType(StrategyType.CANARY);
          Canary canary = new Canary();
          canary.setSteps(List.of(CanaryStep.weight(25), CanaryStep.pause(null)));
          strategy.setCanary(canary);
          d.getSpec().setStrategy(strategy);
          container(d).getEnv().add(env("RELEASE", "3"));
          return d;
        });

    // 25% of 4 workers: one on the new revision, then the rollout waits.
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                RolloutPhase.Paused.is(fleet.get().getStatus().getRollout().getPhase())
                    && newPods(oldPods).stream().filter(Fleet::isReady).count() == 1);
    assertThat(fleet.get().getStatus().getRollout().getWeight()).isEqualTo(25);
    // Held: while nobody promotes, it stays at one new worker.
    for (int i = 0; i < 10; i++) {
      sleep(Duration.ofSeconds(1));
      assertThat(fleet.get().getStatus().getRollout().getPhase())
          .isEqualTo(RolloutPhase.Paused.name());
      assertThat(newPods(oldPods)).hasSize(1);
    }
    assertThat(fleet.cli("rollout", "status", NAME).exitCode()).isEqualTo(3);

    Fleet.CliResult promote = fleet.cli("rollout", "promote", NAME);
    assertThat(promote.exitCode()).as(promote.output()).isZero();
    assertThat(promote.output()).contains("promoted");

    awaitRolledOutTo(oldPods, 4);
    assertThat(fleet.cli("rollout", "status", NAME).exitCode()).isZero();
    awaitEnded(calls);
    assertNoneDropped();
  }

  @Test
  @Order(3)
  void brokenImageIsRolledBackAutomatically() throws IOException {
    Set<String> oldPods = Fleet.names(fleet.pods());
    String stableRevision = Fleet.revision(fleet.pods().get(0));
    List<CallRecord> calls = placeCalls(8, Duration.ofSeconds(20));
    editDeployment(
        d -> {
          d.getSpec().setStrategy(null);
          container(d).setImage(BROKEN_IMAGE + ":2");
          return d;
        });

    await()
        .ignoreExceptions()
        .atMost(ROLLOUT)
        .until(() -> condition(fleet.get(), ConditionType.ROLLED_BACK) != null);
    Condition rolledBack = condition(fleet.get(), ConditionType.ROLLED_BACK);
    assertThat(rolledBack.getStatus()).isEqualTo("True");
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                fleet.events().stream()
                    .anyMatch(e -> EventReason.RolledBack.name().equals(e.getReason())));
    // The stable template is back in the spec, so `kubectl get -o yaml` shows the truth.
    assertThat(container(fleet.get()).getImage()).startsWith("agentfleet/worker:");
    Fleet.CliResult status = fleet.cli("rollout", "status", NAME);
    assertThat(status.exitCode()).as(status.output()).isNotZero();

    // The fleet is back on the stable revision; no broken pod is left.
    await()
        .ignoreExceptions()
        .atMost(ROLLOUT)
        .until(
            () ->
                fleet.pods().stream().allMatch(p -> Fleet.revision(p).equals(stableRevision))
                    && fleet.ready().size() == 4);
    assertThat(oldPods).allMatch(p -> Fleet.names(fleet.pods()).contains(p));
    awaitEnded(calls);
    assertNoneDropped();
  }

  @Test
  @Order(4)
  void undoToRevisionOneReturnsToTheFirstTemplate() throws IOException {
    Set<String> oldPods = Fleet.names(fleet.pods());
    List<CallRecord> calls = placeCalls(8, Duration.ofSeconds(30));
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> fleet.outcomes(calls).getOrDefault(CallOutcome.IN_CALL, 0L) == 8L);

    Fleet.CliResult undo = fleet.cli("rollout", "undo", NAME, "--to-revision", "1");
    assertThat(undo.exitCode()).as(undo.output()).isZero();
    assertThat(undo.output()).contains("rolled back to revision 1");

    awaitRolledOutTo(oldPods, 4);
    assertThat(fleet.live()).allMatch(p -> Fleet.revision(p).equals(firstRevision));
    assertThat(container(fleet.get()).getEnv()).noneMatch(e -> e.getName().equals("RELEASE"));
    awaitEnded(calls);
    assertThat(fleet.outcomes(calls)).containsExactly(Map.entry(CallOutcome.COMPLETED, 8L));
    assertNoneDropped();
  }

  @Test
  @Order(5)
  void rotatedConfigMapRollsOutANewRevision() throws IOException {
    Set<String> oldPods = Fleet.names(fleet.pods());
    List<CallRecord> calls = placeCalls(8, Duration.ofSeconds(20));
    sandbox
        .client()
        .configMaps()
        .inNamespace("default")
        .withName(CONFIG_MAP)
        .edit(
            cm -> {
              cm.getData().put("greeting", "v2");
              return cm;
            });

    awaitRolledOutTo(oldPods, 4);
    assertThat(fleet.live()).noneMatch(p -> Fleet.revision(p).equals(firstRevision));
    awaitEnded(calls);
    assertNoneDropped();
  }

  @Test
  @Order(6)
  void rotatedSecretRollsOutANewRevision() throws IOException {
    Set<String> oldPods = Fleet.names(fleet.pods());
    String before = Fleet.revision(fleet.pods().get(0));
    List<CallRecord> calls = placeCalls(8, Duration.ofSeconds(20));
    sandbox
        .client()
        .secrets()
        .inNamespace("default")
        .withName(SECRET)
        .edit(
            secret -> {
              secret.setData(null);
              secret.setStringData(Map.of("speech-api-key", "key-2"));
              return secret;
            });

    awaitRolledOutTo(oldPods, 4);
    assertThat(fleet.live()).noneMatch(p -> Fleet.revision(p).equals(before));
    awaitEnded(calls);
    assertThat(fleet.outcomes(calls)).containsExactly(Map.entry(CallOutcome.COMPLETED, 8L));
    assertNoneDropped();
  }

  /** Every old pod gone, {@code size} new ones ready and registered, the rollout Completed. */
  private static void awaitRolledOutTo(Set<String> oldPods, int size) {
    await()
        .ignoreExceptions()
        .atMost(ROLLOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              fleet.track();
              List<Pod> pods = fleet.pods();
              return pods.size() == size
                  && pods.stream().noneMatch(p -> oldPods.contains(p.getMetadata().getName()))
                  && fleet.ready().size() == size
                  && fleet.registered().size() == size
                  && RolloutPhase.Completed.is(fleet.get().getStatus().getRollout().getPhase());
            });
  }

  private static List<Pod> newPods(Set<String> oldPods) {
    return fleet.live().stream().filter(p -> !oldPods.contains(p.getMetadata().getName())).toList();
  }

  private static List<CallRecord> placeCalls(int n, Duration length) throws IOException {
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(sandbox.callers().place(NAME, length));
    }
    allCalls.addAll(calls);
    return calls;
  }

  private static void awaitEnded(List<CallRecord> calls) {
    await()
        .ignoreExceptions()
        .atMost(ROLLOUT)
        .until(() -> fleet.outcomes(calls).keySet().stream().allMatch(CallOutcome::ended));
  }

  /** No call of the whole class was dropped or failed; ended ones ran their full length. */
  private static void assertNoneDropped() {
    Map<CallOutcome, Long> outcomes = fleet.outcomes(allCalls);
    System.out.println("ledger so far: " + outcomes);
    assertThat(outcomes.getOrDefault(CallOutcome.DROPPED, 0L)).as("dropped").isZero();
    assertThat(outcomes.getOrDefault(CallOutcome.COMPLETED_LATE, 0L)).as("placed late").isZero();
    assertThat(outcomes.getOrDefault(CallOutcome.ENDED_EARLY, 0L)).as("ended early").isZero();
  }

  private static void editTemplate(java.util.function.Consumer<Container> change) {
    editDeployment(
        d -> {
          change.accept(container(d));
          return d;
        });
  }

  private static void editDeployment(java.util.function.UnaryOperator<AgentDeployment> change) {
    fleet.edit(change);
  }

  private static Container container(AgentDeployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Condition condition(AgentDeployment d, String type) {
    return d.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElse(null);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
