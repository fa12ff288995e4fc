package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.Rollback;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts through the real reconciler against the Fabric8 mock API server. TestingKubelet readies
 * pods and gives each a scripted worker status endpoint (idle, available); images named "broken*"
 * crash-loop and "stuck*" never start, as a kubelet would show them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RolloutMockTest {

  static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  MockCluster cluster;
  String namespace;
  TestingKubelet kubelet;

  @BeforeEach
  void setUp() {
    cluster = MockCluster.withWorkers(client, "ro");
    namespace = cluster.namespace;
    kubelet = cluster.kubelet();
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void canaryStopsAtItsWeightUntilPromoted() {
    create(
        "canary",
        2,
        "agent:1",
        d -> {
          Strategy s = new Strategy();
          s.setType(StrategyType.CANARY);
          Canary c = new Canary();
          c.setSteps(List.of(CanaryStep.weight(50), CanaryStep.pause(null)));
          s.setCanary(c);
          d.getSpec().setStrategy(s);
        });
    awaitPhase("canary", RolloutPhase.Completed.name());
    setImage("canary", "agent:2");

    awaitPhase("canary", RolloutPhase.Paused.name());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(images("canary")).containsExactlyInAnyOrder("agent:1", "agent:2"));
    AgentDeployment paused = get("canary");
    assertThat(paused.getStatus().getRollout().getWeight()).isEqualTo(50);
    assertThat(paused.getStatus().getRollout().getMessage()).contains("rollout promote");
    assertThat(condition(paused, ConditionType.PROGRESSING).getReason())
        .isEqualTo(ConditionReason.PAUSED);
    // held there while nobody promotes
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> images("canary").size() == 2);

    mutate(
        "canary",
        d -> d.getMetadata().getAnnotations().put(AgentDeploymentAnnotations.PROMOTE, "now-1"));
    awaitPhase("canary", RolloutPhase.Completed.name());
    assertThat(images("canary")).containsExactly("agent:2", "agent:2");
    assertThat(get("canary").getStatus().getRollout().getPromoted()).isEqualTo("now-1");
    assertThat(reasons())
        .contains(EventReason.RolloutStepCompleted.name(), EventReason.RolloutCompleted.name());
  }

  @Test
  void aCrashLoopingRevisionIsRolledBackAndNotRetriedOnReapply() {
    create(
        "rb",
        2,
        "agent:1",
        d -> {
          Rollback r = new Rollback();
          r.setAutomatic(true);
          d.getSpec().setRollback(r);
        });
    awaitPhase("rb", RolloutPhase.Completed.name());
    String stable = get("rb").getStatus().getUpdateRevision();
    await().atMost(WAIT).until(() -> stable.equals(get("rb").getStatus().getLastStableRevision()));

    setImage("rb", "broken:2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDeployment d = get("rb");
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .as("spec.template is put back")
                  .isEqualTo("agent:1");
              assertThat(condition(d, ConditionType.ROLLED_BACK)).isNotNull();
              assertThat(condition(d, ConditionType.ROLLED_BACK).getStatus()).isEqualTo("True");
              assertThat(condition(d, ConditionType.ROLLED_BACK).getMessage())
                  .contains("crash loop");
            });
    // It stays RolledBack (so `kubectl agents rollout status` fails) while back on the stable one.
    awaitPhase("rb", RolloutPhase.RolledBack.name());
    await().atMost(WAIT).until(() -> images("rb").equals(List.of("agent:1", "agent:1")));
    assertThat(get("rb").getStatus().getUpdateRevision()).isEqualTo(stable);
    assertThat(reasons()).contains(EventReason.RolledBack.name());
    ControllerRevision broken =
        revisions("rb").stream()
            .filter(r -> r.getMetadata().getAnnotations() != null)
            .filter(
                r ->
                    r.getMetadata()
                        .getAnnotations()
                        .containsKey(AgentDeploymentAnnotations.ROLLED_BACK))
            .findFirst()
            .orElseThrow();
    assertThat(broken.getMetadata().getName()).isNotEqualTo(stable);

    // Applying the same broken template again does not start the loop again.
    setImage("rb", "broken:2");
    awaitPhase("rb", RolloutPhase.RolledBack.name());
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> images("rb").equals(List.of("agent:1", "agent:1")));
  }

  @Test
  void aRolloutThatStopsMakingProgressFailsAtItsDeadline() {
    create("slow", 1, "agent:1", d -> d.getSpec().setProgressDeadlineSeconds(3));
    awaitPhase("slow", RolloutPhase.Completed.name());
    setImage("slow", "stuck:2");
    awaitPhase("slow", RolloutPhase.Failed.name());
    AgentDeployment d = get("slow");
    Condition progressing = condition(d, ConditionType.PROGRESSING);
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo(ConditionReason.PROGRESS_DEADLINE_EXCEEDED);
    assertThat(reasons()).contains(EventReason.ProgressDeadlineExceeded.name());
    // the old worker keeps serving: nothing is taken away from a stalled rollout
    assertThat(images("slow")).contains("agent:1");
  }

  @Test
  void rotatingTheCredentialsSecretRollsOutANewRevision() {
    create("rotate", 1, "agent:1", d -> {});
    awaitPhase("rotate", RolloutPhase.Completed.name());
    String before = get("rotate").getStatus().getUpdateRevision();
    client
        .secrets()
        .inNamespace(namespace)
        .withName("livekit")
        .edit(s -> new SecretBuilder(s).addToStringData("api-secret", "s2").build());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDeployment d = get("rotate");
              assertThat(d.getStatus().getUpdateRevision()).isNotEqualTo(before);
              assertThat(d.getStatus().getRollout().getPhase())
                  .isEqualTo(RolloutPhase.Completed.name());
            });
    assertThat(revisions("rotate")).hasSize(2);
    assertThat(pods("rotate"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getMetadata().getAnnotations())
                    .containsKey(AgentDeploymentAnnotations.CONFIG_CHECKSUM));
  }

  // ---- fixtures

  void create(String name, int replicas, String image, Consumer<AgentDeployment> tune) {
    AgentDeployment d = SampleDeployments.ourWorker(name, replicas, image);
    tune.accept(d);
    client.resources(AgentDeployment.class).inNamespace(namespace).resource(d).create();
  }

  AgentDeployment get(String name) {
    return cluster.get(name);
  }

  void mutate(String name, Consumer<AgentDeployment> change) {
    cluster.mutate(name, change);
  }

  void setImage(String name, String image) {
    cluster.setImage(name, image);
  }

  List<Pod> pods(String name) {
    return cluster.pods(name);
  }

  List<String> images(String name) {
    return pods(name).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getSpec().getContainers().get(0).getImage())
        .sorted()
        .toList();
  }

  List<ControllerRevision> revisions(String name) {
    return cluster.revisions(name);
  }

  List<String> reasons() {
    return cluster.eventReasons();
  }

  static Condition condition(AgentDeployment d, String type) {
    return Conditions.find(d.getStatus().getConditions(), type);
  }

  void awaitPhase(String name, String phase) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDeployment d = get(name);
              assertThat(d.getStatus()).isNotNull();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getRollout()).isNotNull();
              assertThat(d.getStatus().getRollout().getPhase())
                  .as(d.getStatus().getRollout().getMessage())
                  .isEqualTo(phase);
            });
  }
}
