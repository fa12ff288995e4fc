package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.DemandProfileStatus;
import io.agentfleet.api.v1alpha1.LearnedSchedule;
import io.agentfleet.api.v1alpha1.ScalingRules;
import io.agentfleet.api.v1alpha1.WebhookPrescaling;
import io.agentfleet.operator.autoscale.ScalingHistory;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.workers.FleetWriter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.livekit.server.AccessToken;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Autoscaling end to end inside the operator: the real reconciler and worker-status poller against
 * the Fabric8 mock API server, with each pod's status endpoint served by a real HTTP server whose
 * answers the test scripts (the mock server has no kubelet and runs no workers).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AutoscalingMockTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;
  @Inject AutoscaleStep autoscale;

  @TestHTTPResource("/livekit/webhook")
  URI webhook;

  @TestHTTPResource("/dashboard")
  URI dashboard;

  MockCluster cluster;
  String namespace;
  TestingKubelet kubelet;

  @BeforeEach
  void setUp() {
    cluster = MockCluster.withWorkers(client, "as");
    namespace = cluster.namespace;
    kubelet = cluster.kubelet();
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void loadStepUpAddsWorkersAndALoadDropDrainsIdleOnesAfterTheWindow() {
    create("voice", a -> a.setScaleDown(new ScalingRules(8, 0)));
    awaitReportingWorkers("voice", 1);

    // Step up: the one worker reports load 1.0 -> ceil(1.0 / 0.5) = 2
    everyWorker(w -> w.report(3, 1.0));
    awaitReplicas("voice", 2);
    awaitReportingWorkers("voice", 2);
    // Both at full load -> 4
    everyWorker(w -> w.report(3, 1.0));
    awaitReplicas("voice", 4);
    awaitReportingWorkers("voice", 4);
    assertThat(eventsOf(EventReason.ScalingUp.name()))
        .anySatisfy(m -> assertThat(m).contains("> target 0.50").contains("→ 4"));

    // Drop: two workers keep one call each at 0.5, two go idle -> 1.0 / 0.5 = 2
    List<String> pods = podNames("voice");
    Set<String> busy = Set.of(pods.get(0), pods.get(1));
    pods.forEach(
        p -> kubelet.worker(p).report(busy.contains(p) ? 1 : 0, busy.contains(p) ? 0.5 : 0.0));

    // Not before the scale-down window (8 s) has passed since the last high recommendation.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4))
        .until(() -> replicas("voice") == 4);
    awaitReplicas("voice", 2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(podNames("voice")).containsExactlyInAnyOrderElementsOf(busy));
    assertThat(eventsOf(EventReason.SuccessfulDelete.name()))
        .allSatisfy(m -> assertThat(m).contains("0 calls"));

    AgentDeployment d = get("voice");
    assertThat(d.getStatus().getDesiredReplicas()).isEqualTo(2);
    assertThat(d.getStatus().getLastScaleTime()).isNotNull();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDeployment now = get("voice");
              assertThat(now.getStatus().getActiveJobs()).isEqualTo(2);
              assertThat(now.getStatus().getLoad()).isEqualTo(0.5);
            });
  }

  @Test
  void aDeletedDeploymentLeavesNothingBehindInTheAutoscalersMemory() {
    create("gone", a -> {});
    awaitReportingWorkers("gone", 1);
    everyWorker(w -> w.report(3, 1.0));
    awaitReplicas("gone", 2);
    AgentDeployment d =
        client.resources(AgentDeployment.class).inNamespace(namespace).withName("gone").get();
    assertThat(autoscale.history(d).changes()).as("remembered while it lives").isNotEmpty();

    client.resources(AgentDeployment.class).inNamespace(namespace).withName("gone").delete();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(autoscale.history(d)).isEqualTo(ScalingHistory.empty()));
  }

  @Test
  void aLearnedScheduleKeepsWhatItLearnedInTheStatus() {
    create("learning", a -> a.setLearnedSchedule(new LearnedSchedule(true, 60, 2)));
    awaitReportingWorkers("learning", 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              DemandProfileStatus profile = get("learning").getStatus().getDemandProfile();
              assertThat(profile).isNotNull();
              assertThat(profile.getPeriodMinutes()).isEqualTo(60);
              assertThat(profile.getPeriods()).hasSize(1);
              // The hour this period began; its 96 slots, the open one not written yet.
              assertThat(profile.getPeriods().get(0).getStart()).endsWith(":00:00Z");
              assertThat(profile.getPeriods().get(0).getPeaks()).hasSize(96);
            });
    // Turned off: the status no longer carries it.
    mutate("learning", d -> d.getSpec().getAutoscaling().getLearnedSchedule().setEnabled(false));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(get("learning").getStatus().getDemandProfile()).isNull());
  }

  @Test
  void busyWorkersAreMarkedUnsafeToEvict() {
    create("evict", a -> {});
    awaitReportingWorkers("evict", 1);
    String pod = podNames("evict").get(0);
    kubelet.worker(pod).report(1, 0.2);
    await().atMost(WAIT).until(() -> "false".equals(annotation(pod, FleetWriter.SAFE_TO_EVICT)));
    kubelet.worker(pod).report(0, 0.0);
    await().atMost(WAIT).until(() -> "true".equals(annotation(pod, FleetWriter.SAFE_TO_EVICT)));
  }

  @Test
  void aWorkerThatStopsAnsweringBlocksScaleDown() {
    create(
        "silent",
        a -> {
          a.setMinReplicas(3);
          a.setScaleDown(new ScalingRules(0, 0));
        });
    awaitReportingWorkers("silent", 3);
    String mute = podNames("silent").get(0);
    kubelet.worker(mute).breakDown();
    // Wait until the operator has seen it go silent: it no longer counts as available.
    await().atMost(WAIT).until(() -> get("silent").getStatus().getAvailableWorkers() == 2);
    mutate("silent", d -> d.getSpec().getAutoscaling().setMinReplicas(1));
    await().atMost(WAIT).until(() -> get("silent").getStatus().getObservedGeneration() > 1);
    // Two idle workers would let it shrink to 1, but one worker is not reporting.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4))
        .until(() -> replicas("silent") == 3);
    kubelet.worker(mute).report(0, 0.0);
    awaitReplicas("silent", 1);
  }

  @Test
  void webhookWithABadSignatureIsRefused() throws Exception {
    String body = roomStarted("call-1");
    assertThat(post(body, null).statusCode()).isEqualTo(401);
    assertThat(post(body, "not-a-jwt").statusCode()).isEqualTo(401);
    assertThat(
            post(
                    body,
                    sign(
                        roomStarted("call-other"),
                        "testkey",
                        "test-secret-that-is-long-enough-for-hs256"))
                .statusCode())
        .as("signature for another body")
        .isEqualTo(401);
    assertThat(
            post(body, sign(body, "testkey", "wrong-secret-wrong-secret-wrong-secret"))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void signedRoomStartedWebhooksLiftDesiredBeforeLoadReportsDo() throws Exception {
    create(
        "prescaled",
        a -> {
          a.setJobsPerWorker(2);
          a.setIdleWorkers(0);
          a.setWebhook(new WebhookPrescaling("^support-", 60));
        });
    awaitReportingWorkers("prescaled", 1);
    assertThat(replicas("prescaled")).isEqualTo(1);
    for (int i = 0; i < 5; i++) {
      String body = roomStarted("support-" + i);
      HttpResponse<String> r =
          post(body, sign(body, "testkey", "test-secret-that-is-long-enough-for-hs256"));
      assertThat(r.statusCode()).isEqualTo(200);
    }
    String other = roomStarted("sales-1");
    post(other, sign(other, "testkey", "test-secret-that-is-long-enough-for-hs256"));
    // 5 expected calls at 2 per worker -> 3; the sales room does not match
    awaitReplicas("prescaled", 3);
    assertThat(eventsOf(EventReason.ScalingUp.name()))
        .anySatisfy(m -> assertThat(m).contains("5 expected from webhooks"));
  }

  /**
   * The dashboard inside Quarkus: the page with its Content-Security-Policy, the deployment in its
   * list, and the wait from a room's start to its agent's join, from the signed webhooks.
   */
  @Test
  void dashboardListsTheDeploymentAndTheRoomsWaitForAnAgent() throws Exception {
    create("watched", a -> a.setIdleWorkers(0));
    awaitReportingWorkers("watched", 1);
    String started = roomStarted("dash-1");
    post(started, sign(started, "testkey", "test-secret-that-is-long-enough-for-hs256"));
    Thread.sleep(50);
    String joined =
        JsonFormat.printer()
            .print(
                WebhookEvent.newBuilder()
                    .setEvent("participant_joined")
                    .setRoom(Room.newBuilder().setName("dash-1").setSid("RM_dash-1"))
                    .setParticipant(
                        livekit.LivekitModels.ParticipantInfo.newBuilder()
                            .setIdentity("agent-AJ_1")
                            .setKind(livekit.LivekitModels.ParticipantInfo.Kind.AGENT))
                    .setId("EV_dash-1-joined")
                    .setCreatedAt(System.currentTimeMillis() / 1000)
                    .build());
    assertThat(
            post(joined, sign(joined, "testkey", "test-secret-that-is-long-enough-for-hs256"))
                .statusCode())
        .isEqualTo(200);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> page =
        http.send(HttpRequest.newBuilder(dashboard).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Agentfleet</title>");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String list =
                  http.send(
                          HttpRequest.newBuilder(URI.create(dashboard + "/api/deployments"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              assertThat(list).contains("\"name\":\"watched\"", "\"namespace\":\"" + namespace);
              assertThat(list).doesNotContain("test-secret-that-is-long-enough-for-hs256");
              assertThat(list).containsPattern("\"agentJoins\":\\{\"joins\":[1-9]");
            });
  }

  // ---- fixtures

  void create(String name, Consumer<Autoscaling> tune) {
    Autoscaling a = new Autoscaling();
    a.setEnabled(true);
    a.setMinReplicas(1);
    a.setMaxReplicas(6);
    a.setTargetLoad(0.5);
    a.setIdleWorkers(0);
    a.setTolerance(0.0);
    a.setScaleUp(new ScalingRules(0, 0));
    a.setScaleDown(new ScalingRules(2, 0));
    tune.accept(a);
    AgentDeployment d = SampleDeployments.ourWorker(name, 1, "agent:1");
    d.getSpec().setAutoscaling(a);
    client.resources(AgentDeployment.class).inNamespace(namespace).resource(d).create();
  }

  AgentDeployment get(String name) {
    return cluster.get(name);
  }

  void mutate(String name, Consumer<AgentDeployment> change) {
    cluster.mutate(name, change);
  }

  int replicas(String name) {
    return get(name).getSpec().getReplicas();
  }

  List<String> podNames(String name) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  String annotation(String pod, String key) {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    Map<String, String> a = p == null ? null : p.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  void everyWorker(Consumer<ScriptedWorker> script) {
    kubelet.workers().values().forEach(script);
  }

  void awaitReplicas(String name, int n) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(replicas(name)).isEqualTo(n);
              assertThat(podNames(name)).hasSize(n);
            });
  }

  /** n pods, each with a scripted worker the operator has read at least once. */
  void awaitReportingWorkers(String name, int n) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(podNames(name)).hasSize(n);
              assertThat(podNames(name)).allSatisfy(p -> assertThat(kubelet.worker(p)).isNotNull());
              AgentDeployment d = get(name);
              assertThat(d.getStatus().getAvailableWorkers()).isNotNull();
              assertThat(d.getStatus().getAvailableWorkers() + busyOrFull(d)).isEqualTo(n);
            });
  }

  static int busyOrFull(AgentDeployment d) {
    return d.getStatus().getReplicas() - d.getStatus().getAvailableWorkers();
  }

  List<String> eventsOf(String reason) {
    return cluster.eventMessages(reason);
  }

  static String roomStarted(String room) throws Exception {
    return JsonFormat.printer()
        .print(
            WebhookEvent.newBuilder()
                .setEvent("room_started")
                .setRoom(Room.newBuilder().setName(room).setSid("RM_" + room))
                .setId("EV_" + room)
                .setCreatedAt(System.currentTimeMillis() / 1000)
                .build());
  }

  /** As the LiveKit server signs: a JWT from the API key whose sha256 claim is the body's hash. */
  static String sign(String body, String key, String secret) throws Exception {
    AccessToken token = new AccessToken(key, secret);
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
    token.setSha256(Base64.getEncoder().encodeToString(digest));
    return token.toJwt();
  }

  HttpResponse<String> post(String body, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(webhook)
            .header("Content-Type", "application/webhook+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
