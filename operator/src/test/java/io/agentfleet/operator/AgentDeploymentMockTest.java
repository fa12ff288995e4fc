package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real reconciler (JOSDK in Quarkus) against the Fabric8 mock API server in CRUD mode. The mock
 * server is a store, not a cluster: it has no kubelet (TestingKubelet readies pods), no garbage
 * collector (tests check owner references and clean up themselves) and no schema validation (see
 * crds' AgentDeploymentSchemaTest).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AgentDeploymentMockTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject MeterRegistry meters;

  MockCluster cluster;
  String namespace;
  TestingKubelet kubelet;

  @BeforeEach
  void setUp() {
    cluster = new MockCluster(client, "ns");
    namespace = cluster.namespace;
    kubelet = new TestingKubelet(client, namespace);
  }

  @AfterEach
  void tearDown() {
    kubelet.close();
  }

  @Test
  void scalesAndRollsThroughThreeRevisionsThenIdlesWithoutWrites() throws Exception {
    createSecret("livekit");
    create(deployment("voice", 0, "agent:1"));
    awaitStatus("voice", s -> s.getUpdateRevision() != null && s.getReplicas() == 0);

    scale("voice", 5);
    awaitPods("voice", 5);
    scale("voice", 2);
    awaitPods("voice", 2);
    scale("voice", 0);
    awaitPods("voice", 0);
    scale("voice", 3);
    awaitPods("voice", 3);

    changeImage("voice", "agent:2");
    awaitRolledOut("voice", 3);
    changeImage("voice", "agent:3");
    awaitRolledOut("voice", 3);

    List<ControllerRevision> revisions = revisionsOf("voice");
    assertThat(revisions)
        .extracting(ControllerRevision::getRevision)
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    String newest =
        revisions.stream()
            .filter(r -> r.getRevision() == 3L)
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getLabels()
            .get(AgentDeploymentLabels.REVISION);
    assertThat(podsOf("voice"))
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getLabels())
                    .containsEntry(AgentDeploymentLabels.REVISION, newest))
        .allSatisfy(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("agent:3"));

    AgentDeployment done = get("voice");
    assertThat(done.getStatus().getCurrentRevision()).isEqualTo("voice-" + newest);
    assertThat(done.getStatus().getUpdateRevision()).isEqualTo("voice-" + newest);
    assertThat(done.getStatus().getReadyReplicas()).isEqualTo(3);
    assertThat(done.getStatus().getSelector()).isEqualTo(AgentDeploymentLabels.selector("voice"));
    assertThat(condition(done, ConditionType.AVAILABLE).getStatus()).isEqualTo("True");
    assertThat(condition(done, ConditionType.PROGRESSING).getReason())
        .isEqualTo(ConditionReason.NEW_REVISION_AVAILABLE);
    assertThat(condition(done, ConditionType.DEGRADED).getStatus()).isEqualTo("False");
    assertThat(eventReasons())
        .contains(
            EventReason.SuccessfulCreate.name(),
            EventReason.SuccessfulDelete.name(),
            EventReason.NewRevision.name());

    assertNoRequestsOverTwoReconciles();
    assertOwnedAndCleanUp("voice");
  }

  @Test
  void prunesHistoryToTheLimitButKeepsTheUpdateRevision() {
    createSecret("livekit");
    AgentDeployment d = deployment("pruned", 1, "agent:1");
    d.getSpec().setRevisionHistoryLimit(1);
    create(d);
    awaitRolledOut("pruned", 1);
    for (String image : List.of("agent:2", "agent:3", "agent:4")) {
      changeImage("pruned", image);
      awaitRolledOut("pruned", 1);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(revisionsOf("pruned"))
                    .extracting(ControllerRevision::getRevision)
                    .containsExactlyInAnyOrder(3L, 4L));
    assertOwnedAndCleanUp("pruned");
  }

  @Test
  void aTemplateThatComesBackIsRenumberedNotDuplicated() {
    createSecret("livekit");
    create(deployment("back", 1, "agent:1"));
    awaitRolledOut("back", 1);
    changeImage("back", "agent:2");
    awaitRolledOut("back", 1);
    changeImage("back", "agent:1");
    awaitRolledOut("back", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<ControllerRevision> revisions = revisionsOf("back");
              assertThat(revisions).hasSize(2);
              assertThat(revisions)
                  .extracting(ControllerRevision::getRevision)
                  .containsExactlyInAnyOrder(2L, 3L);
            });
    assertOwnedAndCleanUp("back");
  }

  @Test
  void pausedKeepsPodsButStatusStaysCurrent() {
    createSecret("livekit");
    create(deployment("held", 2, "agent:1"));
    awaitRolledOut("held", 2);
    mutate(
        "held",
        d -> {
          d.getSpec().setPaused(true);
          d.getSpec().setReplicas(4);
        });
    awaitStatus(
        "held",
        s ->
            s.getDesiredReplicas() == 4
                && ConditionReason.PAUSED.equals(
                    reason(s.getConditions(), ConditionType.PROGRESSING)));
    assertThat(podsOf("held")).hasSize(2);

    mutate("held", d -> d.getSpec().setPaused(false));
    awaitPods("held", 4);
    assertOwnedAndCleanUp("held");
  }

  @Test
  void missingSecretIsReportedAndRecoveredFromWithoutPods() {
    create(deployment("nosecret", 2, "agent:1"));
    awaitStatus(
        "nosecret",
        s ->
            EventReason.CredentialsSecretMissing.name()
                .equals(reason(s.getConditions(), ConditionType.DEGRADED)));
    AgentDeployment waiting = get("nosecret");
    assertThat(condition(waiting, ConditionType.DEGRADED).getMessage()).contains("livekit");
    assertThat(podsOf("nosecret")).isEmpty();
    assertThat(eventReasons()).contains(EventReason.CredentialsSecretMissing.name());

    createSecret("livekit");
    awaitRolledOut("nosecret", 2);
    assertThat(condition(get("nosecret"), ConditionType.DEGRADED).getStatus()).isEqualTo("False");
    assertThat(eventReasons()).contains(EventReason.Recovered.name());
    assertOwnedAndCleanUp("nosecret");
  }

  @Test
  void invalidSpecIsAConditionAndAnEventNotACrash() throws InterruptedException {
    createSecret("livekit");
    AgentDeployment bad = deployment("bad", 2, "agent:1");
    bad.getSpec().getLivekit().setUrl("ftp://nowhere");
    bad.getSpec().setReplicas(-2);
    create(bad);
    awaitStatus(
        "bad",
        s ->
            EventReason.InvalidSpec.name()
                .equals(reason(s.getConditions(), ConditionType.DEGRADED)));
    Condition degraded = condition(get("bad"), ConditionType.DEGRADED);
    assertThat(degraded.getMessage()).contains("spec.livekit.url").contains("spec.replicas");
    assertThat(podsOf("bad")).isEmpty();
    assertThat(eventReasons()).contains(EventReason.InvalidSpec.name());

    // Refused, not hot-looped: over 5 s only the 1 s resync of the test profile reconciles it
    // again (a status write that woke the reconciler would make hundreds), and nothing is written.
    String version = get("bad").getMetadata().getResourceVersion();
    double before = invalidSpecReconciles();
    Thread.sleep(5_000);
    double during = invalidSpecReconciles() - before;
    assertThat(during).as("InvalidSpec reconciles in 5 s").isBetween(1.0, 15.0);
    assertThat(get("bad").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(podsOf("bad")).isEmpty();

    mutate(
        "bad",
        d -> {
          d.getSpec().getLivekit().setUrl("wss://example.livekit.cloud");
          d.getSpec().setReplicas(1);
        });
    awaitRolledOut("bad", 1);
    assertOwnedAndCleanUp("bad");
  }

  @Test
  void aGracePeriodShorterThanTheDrainIsAConditionNamingBothNumbers() {
    createSecret("livekit");
    AgentDeployment short_ = deployment("short-grace", 1, "agent:1");
    short_.getSpec().getDrain().setTimeoutSeconds(600);
    short_.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(60L);
    create(short_);
    awaitStatus(
        "short-grace",
        s ->
            EventReason.GracePeriodShorterThanDrain.name()
                .equals(reason(s.getConditions(), ConditionType.DEGRADED)));
    assertThat(condition(get("short-grace"), ConditionType.DEGRADED).getMessage())
        .contains("terminationGracePeriodSeconds (60)", "spec.drain.timeoutSeconds (600)");
    // A warning, not a refusal: the fleet still runs.
    awaitPods("short-grace", 1);
    assertOwnedAndCleanUp("short-grace");
  }

  @Test
  void notReadyPodsGoFirstWhenScalingDown() {
    createSecret("livekit");
    create(deployment("mixed", 2, "agent:1"));
    awaitRolledOut("mixed", 2);
    // A third pod that never becomes ready, as a kubelet would leave a crashing one.
    Pod stuck = podsOf("mixed").get(0);
    Pod extra =
        new io.fabric8.kubernetes.api.model.PodBuilder(stuck)
            .editMetadata()
            .withName("mixed-stuck")
            .withResourceVersion(null)
            .withUid(null)
            .addToAnnotations(TestingKubelet.STAY_PENDING, "true")
            .endMetadata()
            .withStatus(null)
            .build();
    client.pods().inNamespace(namespace).resource(extra).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(podsOf("mixed"))
                    .extracting(p -> p.getMetadata().getName())
                    .hasSize(2)
                    .doesNotContain("mixed-stuck"));
    assertOwnedAndCleanUp("mixed");
  }

  // ---- fixtures

  AgentDeployment deployment(String name, int replicas, String image) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName(name);
    d.getMetadata().setNamespace(namespace);
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setAgentName(name);
    spec.setLivekit(new LiveKitConnection("wss://example.livekit.cloud", "livekit"));
    spec.setReplicas(replicas);
    spec.setTemplate(template(image));
    d.setSpec(spec);
    return d;
  }

  static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("team", "voice"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  void createSecret(String name) {
    cluster.createCredentials(name, "secret");
  }

  void create(AgentDeployment d) {
    cluster.create(d);
  }

  AgentDeployment get(String name) {
    return cluster.get(name);
  }

  /** What {@code kubectl scale agd/<name> --replicas=N} does: write the scale subresource. */
  void scale(String name, int replicas) {
    client.resources(AgentDeployment.class).inNamespace(namespace).withName(name).scale(replicas);
  }

  void changeImage(String name, String image) {
    cluster.setImage(name, image);
  }

  void mutate(String name, java.util.function.Consumer<AgentDeployment> change) {
    cluster.mutate(name, change);
  }

  List<Pod> podsOf(String name) {
    return cluster.pods(name);
  }

  List<ControllerRevision> revisionsOf(String name) {
    return cluster.revisions(name);
  }

  Set<String> eventReasons() {
    return Set.copyOf(cluster.eventReasons());
  }

  void awaitPods(String name, int count) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(podsOf(name)).hasSize(count);
              assertThat(get(name).getStatus().getReadyReplicas()).isEqualTo(count);
            });
  }

  void awaitRolledOut(String name, int count) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDeployment d = get(name);
              assertThat(d.getStatus()).isNotNull();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              String hash = d.getStatus().getUpdateRevision();
              assertThat(hash).isNotNull();
              List<Pod> pods = podsOf(name);
              assertThat(pods).hasSize(count);
              assertThat(pods)
                  .allSatisfy(
                      p ->
                          assertThat(
                                  name
                                      + "-"
                                      + p.getMetadata()
                                          .getLabels()
                                          .get(AgentDeploymentLabels.REVISION))
                              .isEqualTo(hash));
              assertThat(d.getStatus().getReadyReplicas()).isEqualTo(count);
              assertThat(d.getStatus().getRollout()).isNotNull();
              assertThat(d.getStatus().getRollout().getPhase())
                  .isEqualTo(RolloutPhase.Completed.name());
            });
  }

  void awaitStatus(
      String name,
      java.util.function.Predicate<io.agentfleet.api.v1alpha1.AgentDeploymentStatus> test) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              AgentDeployment d = get(name);
              return d != null && d.getStatus() != null && test.test(d.getStatus());
            });
  }

  static Condition condition(AgentDeployment d, String type) {
    return Conditions.find(d.getStatus().getConditions(), type);
  }

  static String reason(List<Condition> conditions, String type) {
    Condition c = Conditions.find(conditions, type);
    return c == null ? null : c.getReason();
  }

  double invalidSpecReconciles() {
    return meters
        .find(AgentDeploymentReconciler.RECONCILES_METRIC)
        .tag("outcome", EventReason.InvalidSpec.name())
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  double reconciles() {
    return meters.find(AgentDeploymentReconciler.RECONCILES_METRIC).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /**
   * With nothing changed, further reconciles (the test profile resyncs every second) must not reach
   * the API server at all: pods, revisions, Secrets and ConfigMaps come from watches, and an
   * unchanged status or fleet writes nothing.
   */
  void assertNoRequestsOverTwoReconciles() throws InterruptedException {
    drainRecordedRequests();
    double before = reconciles();
    await().atMost(WAIT).until(() -> reconciles() >= before + 2);
    List<String> requests = new ArrayList<>();
    for (RecordedRequest r : drainRecordedRequests()) {
      // A watch the client re-opens is the watches' own business, not a reconcile's.
      if (!r.getPath().contains("watch=true")) {
        requests.add(r.getMethod() + " " + r.getPath());
      }
    }
    assertThat(requests).as("requests of idle reconciles").isEmpty();
  }

  List<RecordedRequest> drainRecordedRequests() throws InterruptedException {
    List<RecordedRequest> taken = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.getKubernetesMockServer().takeRequest(50L, TimeUnit.MILLISECONDS)) != null) {
      taken.add(r);
    }
    return taken;
  }

  /**
   * The mock server has no garbage collector. Check that everything the operator made is owned by
   * the AgentDeployment as a controller (what a real API server cascades on), then delete it the
   * way the collector would.
   */
  void assertOwnedAndCleanUp(String name) {
    AgentDeployment d = get(name);
    List<HasMetadata> owned = new ArrayList<>();
    owned.addAll(podsOf(name));
    owned.addAll(revisionsOf(name));
    assertThat(owned).isNotEmpty();
    for (HasMetadata o : owned) {
      assertThat(o.getMetadata().getOwnerReferences())
          .as("owner of %s %s", o.getKind(), o.getMetadata().getName())
          .singleElement()
          .satisfies(
              (OwnerReference ref) -> {
                assertThat(ref.getUid()).isEqualTo(d.getMetadata().getUid());
                assertThat(ref.getKind()).isEqualTo("AgentDeployment");
                assertThat(ref.getController()).isTrue();
                assertThat(ref.getBlockOwnerDeletion()).isTrue();
              });
    }
    client.resources(AgentDeployment.class).inNamespace(namespace).withName(name).delete();
    owned.forEach(o -> client.resource(o).delete());
  }
}
