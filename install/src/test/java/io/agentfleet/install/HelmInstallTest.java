package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import io.agentfleet.controlplane.ControlPlane;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install} (Helm's own engine, through helm-java) of the chart on a real
 * kube-apiserver, then the operator started as the rendered Deployment starts it, under the chart's
 * ServiceAccount token: it manages a sample fleet, and its metrics are the ones the operator README
 * names. A second release with every option on watches one namespace with Roles and leaves the
 * others alone.
 */
class HelmInstallTest {

  static final String NAMESPACE = "agentfleet";
  static ControlPlane plane;
  static Path workdir;
  static Release release;

  @BeforeAll
  static void install() throws IOException {
    workdir =
        Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
            .resolve(HelmInstallTest.class.getSimpleName())
            .toAbsolutePath();
    plane = ControlPlane.start(ControlPlane.Options.in(workdir));
    // The webhook Secret the Deployment reads (optional there): the operator is started with it.
    namespace(NAMESPACE);
    plane
        .admin()
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("livekit-webhook")
                .endMetadata()
                .addToStringData("api-key", "webhookkey")
                .addToStringData("api-secret", "a-webhook-secret-long-enough-for-hs256-signing")
                .build())
        .create();
    release =
        new Helm(Chart.dir())
            .install()
            .withName("agentfleet")
            .withNamespace(NAMESPACE)
            .withKubeConfig(plane.adminKubeconfig())
            .call();
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  static void namespace(String name) {
    plane
        .admin()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  @Test
  void helmInstallCreatesEveryRenderedObjectAndTheCrd() {
    assertThat(release.getStatus()).isEqualTo("deployed");
    assertThat(release.getOutput()).contains("kubectl apply -f", "kubectl get agentdeployments");
    KubernetesClient admin = plane.admin();
    assertThat(
            admin
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("agentdeployments.agentfleet.io")
                .get())
        .isNotNull();
    for (Map<String, Object> object :
        Chart.objects(Chart.template("agentfleet", NAMESPACE, Map.of()))) {
      assertThat(exists(object)).as(ChartTest.kindAndName(object)).isTrue();
    }
  }

  @Test
  void theOperatorAsRenderedManagesASampleFleetAndExportsItsMetrics() throws Exception {
    List<Map<String, Object>> rendered =
        Chart.objects(Chart.template("agentfleet", NAMESPACE, Map.of()));
    String apps = "voice-apps";
    namespace(apps);
    sampleSecrets(apps);
    try (RenderedOperator operator = RenderedOperator.start(plane, rendered, NAMESPACE, workdir)) {
      assertThat(operator.env()).containsKeys("LIVEKIT_API_KEY", "LIVEKIT_API_SECRET");
      applySample(apps, "voice-agent", 2, null);
      // Below its autoscaling minimum: the autoscaler scales it up, a scale event.
      applySample(apps, "scaled", 1, Map.of("enabled", true, "minReplicas", 2, "maxReplicas", 3));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(workerPods(apps)).as("see " + operator.log()).hasSize(4));
      // Each deployment's disruption budget: no worker with calls may be evicted.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                var budget =
                    plane
                        .admin()
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(apps)
                        .withName("voice-agent-busy")
                        .get();
                assertThat(budget).as("see " + operator.log()).isNotNull();
                assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isZero();
                assertThat(budget.getSpec().getSelector().getMatchLabels())
                    .containsEntry("agentfleet.io/busy", "true");
              });
      // An address that answers nothing: the operator polls it, fails, and counts it.
      for (Pod pod : workerPods(apps)) {
        pod.setStatus(
            new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("127.0.0.2")
                .withPodIPs(new PodIPBuilder().withIp("127.0.0.2").build())
                .build());
        plane.admin().pods().inNamespace(apps).resource(pod).updateStatus();
      }
      // A webhook with a wrong signature: refused, and counted.
      assertThat(operator.post("/livekit/webhook", "{\"event\":\"room_started\"}", "not-a-jwt"))
          .isEqualTo(401);

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Scrape now = Scrape.parse(operator.get("/q/metrics"));
                assertThat(now.of("agentfleet_workers", apps, "voice-agent")).isNotEmpty();
                assertThat(now.named("agentfleet_scale_events_total")).isNotEmpty();
                assertThat(now.named("agentfleet_worker_status_errors_total")).isNotEmpty();
              });
      assertThat(Files.readString(operator.log())).doesNotContain("Forbidden", "forbidden");
      Scrape scrape = Scrape.parse(operator.get("/q/metrics"));
      Files.writeString(workdir.resolve("metrics.txt"), operator.get("/q/metrics"));
      assertReadmeMetrics(scrape);
      assertThat(Dashboard.metricNames(Dashboard.load()))
          .allSatisfy(
              name ->
                  assertThat(scrape.named(name))
                      .as("the dashboard queries " + name + ", which the operator exports")
                      .isNotEmpty());

      // A deleted deployment's series go; the other's stay.
      plane
          .admin()
          .genericKubernetesResources("agentfleet.io/v1alpha1", "AgentDeployment")
          .inNamespace(apps)
          .withName("scaled")
          .delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Scrape now = Scrape.parse(operator.get("/q/metrics"));
                assertThat(now.samples())
                    .noneMatch(
                        sample ->
                            apps.equals(sample.labels().get("namespace"))
                                && "scaled".equals(sample.labels().get("deployment")));
                assertThat(now.of("agentfleet_workers", apps, "voice-agent")).isNotEmpty();
              });
    }
  }

  @Test
  void withEveryOptionOnItWatchesOnlyItsNamespacesThroughRoles() throws Exception {
    try (var crd = HelmInstallTest.class.getResourceAsStream("/servicemonitor-crd.yaml")) {
      plane.admin().load(crd).serverSideApply();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                plane
                    .admin()
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("servicemonitors.monitoring.coreos.com")
                    .get()
                    .getStatus()
                    .getConditions()
                    .stream()
                    .anyMatch(
                        c -> c.getType().equals("Established") && c.getStatus().equals("True")));
    namespace("team-a");
    namespace("team-b");
    InstallCommand install =
        new Helm(Chart.dir())
            .install()
            .withName("team")
            .withNamespace("team-ops")
            .createNamespace()
            .withKubeConfig(plane.adminKubeconfig());
    ChartTest.EVERYTHING_ON.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("watchNamespaces"))
        .forEach(e -> install.set(e.getKey(), e.getValue()));
    install.set("watchNamespaces[0]", "team-a");
    Release team = install.call();
    assertThat(team.getStatus()).isEqualTo("deployed");

    Map<String, Object> values = new java.util.LinkedHashMap<>(ChartTest.EVERYTHING_ON);
    values.remove("watchNamespaces[1]");
    values.put("watchNamespaces[0]", "team-a");
    List<Map<String, Object>> rendered = Chart.objects(Chart.template("team", "team-ops", values));
    for (Map<String, Object> object : rendered) {
      assertThat(exists(object)).as(ChartTest.kindAndName(object)).isTrue();
    }
    assertThat(rendered.stream().map(ChartTest::kindAndName))
        .contains(
            "ServiceMonitor/team-operator",
            "ConfigMap/team-operator-dashboard",
            "NetworkPolicy/team-operator")
        .doesNotContain("ClusterRole/team-operator");

    // The chart's account may not read AgentDeployments outside its namespaces.
    String token = plane.serviceAccountToken("team-ops", "team-operator", Duration.ofMinutes(10));
    try (KubernetesClient asOperator =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(plane.config(token))
            .build()) {
      var deployments =
          asOperator.genericKubernetesResources("agentfleet.io/v1alpha1", "AgentDeployment");
      assertThat(deployments.inNamespace("team-a").list().getItems()).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> deployments.inNamespace("team-b").list())
          .hasMessageContaining("Forbidden");
    }

    sampleSecrets("team-a");
    sampleSecrets("team-b");
    try (RenderedOperator operator = RenderedOperator.start(plane, rendered, "team-ops", workdir)) {
      assertThat(operator.env()).containsEntry("AGENTFLEET_WATCH_NAMESPACES", "team-a");
      applySample("team-a", "voice-agent", 2, null);
      applySample("team-b", "voice-agent", 2, null);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(workerPods("team-a")).as("see " + operator.log()).hasSize(2));
      // Long enough for the operator to have acted in team-b, had it been watching it.
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(10))
          .until(() -> workerPods("team-b").isEmpty());
      assertThat(Files.readString(operator.log())).doesNotContain("Forbidden", "forbidden");
    }
  }

  /** Metrics the README names that need a LiveKit server's dispatches, which this test has not. */
  static final Set<String> NEED_LIVEKIT =
      Set.of("agentfleet_dispatches_reoffered_total", "agentfleet_redispatches_total");

  /**
   * Every metric named in the operator README's Metrics section is exported, with exactly the
   * labels the README gives it.
   */
  static void assertReadmeMetrics(Scrape scrape) throws IOException {
    String readme = Files.readString(Chart.repo().resolve("operator/README.md"));
    int start = readme.indexOf("## Metrics");
    assertThat(start).as("operator/README.md has a Metrics section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Matcher m = Pattern.compile("`(agentfleet_[a-z_]+)(?:\\{([a-z_,]*)})?`").matcher(section);
    List<String> named = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      named.add(name);
      if (NEED_LIVEKIT.contains(name)) {
        continue;
      }
      // A timer is exported as _count, _sum and _max.
      String exported = name.endsWith("_seconds") ? name + "_count" : name;
      List<Scrape.Sample> samples = scrape.named(exported);
      assertThat(samples).as(name + " (README) is exported").isNotEmpty();
      Set<String> labels =
          new TreeSet<>(List.of(m.group(2) == null ? new String[0] : m.group(2).split(",")));
      for (Scrape.Sample sample : samples) {
        assertThat(sample.labels().keySet())
            .as(name + " labels, as the README gives them")
            .isEqualTo(labels);
      }
    }
    assertThat(named).as("metrics the README names").hasSizeGreaterThan(5);
  }

  static void sampleSecrets(String namespace) {
    secrets(plane.admin(), namespace);
  }

  /** The Secrets deploy/samples/python-voice-agent.yaml reads: LiveKit credentials, OpenAI key. */
  static void secrets(KubernetesClient client, String namespace) {
    for (var secret :
        Map.of(
                "livekit",
                Map.of("api-key", "key", "api-secret", "secret-secret-secret-secret-secret"),
                "openai",
                Map.of("api-key", "sk-none"))
            .entrySet()) {
      client
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secret.getKey())
                  .endMetadata()
                  .withStringData(secret.getValue())
                  .build())
          .serverSideApply();
    }
  }

  /** deploy/samples/python-voice-agent.yaml under another name, replicas and autoscaling. */
  static void applySample(
      String namespace, String name, int replicas, Map<String, Object> autoscaling)
      throws IOException {
    sample(plane.admin(), namespace, name, replicas, autoscaling);
  }

  static void sample(
      KubernetesClient client,
      String namespace,
      String name,
      int replicas,
      Map<String, Object> autoscaling)
      throws IOException {
    for (Map<String, Object> object :
        Chart.objects(
            Files.readString(Chart.repo().resolve("deploy/samples/python-voice-agent.yaml")))) {
      Chart.map(object.get("metadata")).put("namespace", namespace);
      Chart.map(object.get("metadata")).put("name", name);
      Chart.map(object.get("spec")).put("replicas", replicas);
      if (autoscaling != null) {
        Chart.map(object.get("spec")).put("autoscaling", autoscaling);
      }
      client.resource(Chart.YAML.convertValue(object, GenericKubernetesResource.class)).create();
    }
  }

  static List<Pod> workerPods(String namespace) {
    return workerPods(plane.admin(), namespace);
  }

  /** The pods an AgentDeployment owns. */
  static List<Pod> workerPods(KubernetesClient client, String namespace) {
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> o.getKind().equals("AgentDeployment")))
        .toList();
  }

  static boolean exists(Map<String, Object> object) {
    Map<String, Object> metadata = Chart.map(object.get("metadata"));
    var resources =
        plane
            .admin()
            .genericKubernetesResources(
                (String) object.get("apiVersion"), (String) object.get("kind"));
    String namespace = (String) metadata.get("namespace");
    String name = (String) metadata.get("name");
    return (namespace == null
            ? resources.withName(name).get()
            : resources.inNamespace(namespace).withName(name).get())
        != null;
  }
}
