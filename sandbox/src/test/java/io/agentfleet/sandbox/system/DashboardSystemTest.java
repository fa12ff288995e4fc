package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.sandbox.browser.HeadlessChromium;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.SandboxConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's dashboard in Debian's headless Chromium against a running sandbox: the page lists
 * the sample deployment, follows a scale-up, shows a canary rollout's step, and a screenshot is
 * kept. Everything the dashboard serves during the run is checked for the sandbox's secrets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardSystemTest {

  static final String NAME = "dashboard-agent";
  static final Duration SLOW = Duration.ofSeconds(120);

  static Sandbox sandbox;
  static KubernetesClient client;
  static HeadlessChromium browser;
  static final HttpClient http = HttpClient.newHttpClient();

  /** Every body the dashboard served to this test or the browser's page, by path. */
  static final Map<String, String> served = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        HeadlessChromium.available(),
        HeadlessChromium.BINARY
            + " is missing: apt-get install chromium (Debian's, not a download)");
    sandbox = TestSandboxes.start("dashboard");
    client = sandbox.client();
    System.out.println("dashboard: " + sandbox.dashboardUrl());
    client
        .resources(AgentDeployment.class)
        .inNamespace("default")
        .resource(SampleAgent.deployment(NAME, sandbox.livekitUrl(), 2))
        .create();
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> Integer.valueOf(2).equals(deployment().getStatus().getReadyReplicas()));
    Path logs = Path.of("target", "dashboard");
    Files.createDirectories(logs);
    browser = HeadlessChromium.start(logs.resolve("chromium.log"));
    browser.navigate(sandbox.dashboardUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (sandbox != null) {
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  @Test
  @Order(1)
  void pageListsTheSampleDeploymentWithItsWorkers() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                browser
                        .text("document.querySelector('#deployments tbody').textContent")
                        .contains(NAME)
                    && "2"
                        .equals(
                            browser.text("document.getElementById('worker-count').textContent")));
    assertThat(browser.text("document.getElementById('detail-title').textContent"))
        .isEqualTo("default/" + NAME);
  }

  @Test
  @Order(2)
  void workerCountFollowsAScaleUp() throws Exception {
    client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).scale(3);
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () -> "3".equals(browser.text("document.getElementById('worker-count').textContent")));
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                browser
                    .text("document.getElementById('ready-desired').textContent")
                    .equals("3 / 3"));
    // The chart of desired vs ready draws the history kept so far: more than one point.
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                browser
                        .evaluate(
                            "document.querySelector('#chart-replicas polyline')"
                                + ".getAttribute('points').split(' ').length")
                        .asInt()
                    >= 2);
  }

  @Test
  @Order(3)
  void aCanaryRolloutShowsItsStepAndWhatItWaitsFor() throws Exception {
    edit(
        d -> {
          Strategy strategy = new Strategy();
          strategy.setType(StrategyType.CANARY);
          Canary canary = new Canary();
          canary.setSteps(List.of(CanaryStep.weight(34), CanaryStep.pause(null)));
          strategy.setCanary(canary);
          d.getSpec().setStrategy(strategy);
          Fleet.addEnv(d.getSpec().getTemplate(), "RELEASE", "2");
          return d;
        });
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                RolloutPhase.Paused.is(deployment().getStatus().getRollout().getPhase())
                    && "step 2 of 2"
                        .equals(
                            browser.text("document.getElementById('rollout-step').textContent")));
    String rollout = browser.text("document.getElementById('rollout').textContent");
    assertThat(rollout).contains("Canary", "Paused", "34%", "promot");
    // Two revisions listed, the new one marked as the update.
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(
            () ->
                browser.evaluate("document.querySelectorAll('#revisions tbody tr').length").asInt()
                    == 2);
    assertThat(browser.text("document.getElementById('revisions').textContent"))
        .contains("update", "current");

    // A few calls, so the page shows busy workers and the calls chart something.
    for (int i = 0; i < 4; i++) {
      sandbox.callers().place(NAME, Duration.ofSeconds(30));
    }
    await()
        .ignoreExceptions()
        .atMost(SLOW)
        .until(() -> !"0".equals(browser.text("document.getElementById('calls').textContent")));
    assertThat(browser.text("document.getElementById('by-revision').textContent")).contains("busy");

    Path png = Path.of("target", "dashboard", "dashboard.png").toAbsolutePath();
    browser.screenshot(png);
    assertThat(Files.size(png)).isGreaterThan(1000);
    System.out.println("dashboard screenshot: " + png);
  }

  @Test
  @Order(4)
  void writeActionsAreOffByDefault() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        sandbox.dashboardUrl() + "/api/deployments/default/" + NAME + "/pause"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(deployment().getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  @Order(5)
  void noSecretOfTheSandboxIsEverServed() throws Exception {
    for (String path :
        List.of(
            "", "/app.js", "/style.css", "/api/deployments", "/api/deployments/default/" + NAME)) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(sandbox.dashboardUrl() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      served.put(path, r.body());
    }
    served.put(
        "(the page as the browser built it)", browser.text("document.documentElement.outerHTML"));
    assertThat(served.get("/api/deployments/default/" + NAME)).contains(NAME, "workers");

    Set<String> secrets = secretValues();
    List<String> leaks = leaks(served, secrets);
    System.out.printf(
        "dashboard: %d served bodies checked against %d Secret values%n",
        served.size(), secrets.size());
    assertThat(secrets).contains(SandboxConfig.API_SECRET);
    assertThat(leaks).isEmpty();
  }

  /**
   * After a whole scenario (workers started, scaled, a canary, calls), nothing the system wrote
   * holds a Secret value: the operator's, kubelet's, workers' and livekit-server's logs, the API
   * server's audit log, every AgentDeployment's status, every Event, the operator's metrics. Not
   * searched, because holding the secret is their job: the LiveKit server's config file (mode 600),
   * kubeconfigs (tokens), etcd's data.
   */
  @Test
  @Order(6)
  void noSecretValueInAnythingTheSystemWrote() throws Exception {
    Map<String, String> written = new LinkedHashMap<>();
    Path workdir = sandbox.kubeconfig().getParent();
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(workdir.resolve("logs"))) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    files.add(sandbox.controlPlane().auditLog());
    files.add(sandbox.livekit().log());
    for (Path f : files) {
      written.put(
          workdir.relativize(f).toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
    }
    for (AgentDeployment d :
        client.resources(AgentDeployment.class).inAnyNamespace().list().getItems()) {
      written.put(
          "status of " + d.getMetadata().getName(),
          io.fabric8.kubernetes.client.utils.Serialization.asJson(d.getStatus()));
    }
    StringBuilder events = new StringBuilder();
    client
        .v1()
        .events()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(e -> events.append(e.getReason()).append(' ').append(e.getMessage()).append('\n'));
    written.put("events", events.toString());
    written.put(
        "/q/metrics",
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sandbox.operatorPort() + "/q/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
    Set<String> secrets = secretValues();
    long bytes = written.values().stream().mapToLong(String::length).sum();
    System.out.printf(
        "written: %d sources (%d files, %d KiB) checked against %d Secret values%n",
        written.size(), files.size(), bytes / 1024, secrets.size());
    assertThat(written.get("events")).isNotBlank();
    assertThat(written.keySet()).anyMatch(k -> k.contains("pods"));
    assertThat(leaks(written, secrets)).isEmpty();
  }

  /** Every value of every Secret in the cluster (six characters or more), and the API secret. */
  static Set<String> secretValues() {
    Set<String> secrets = new TreeSet<>();
    secrets.add(SandboxConfig.API_SECRET);
    for (Secret s : client.secrets().inAnyNamespace().list().getItems()) {
      if (s.getData() != null) {
        s.getData().values().stream()
            .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8))
            // a one-character value ("1") would match any page by chance, not leak
            .filter(v -> v.length() >= 6)
            // an API key is the id of the secret, not the secret: LiveKit logs it with every
            // request it serves
            .filter(v -> !v.equals(SandboxConfig.API_KEY))
            .forEach(secrets::add);
      }
    }
    return secrets;
  }

  static List<String> leaks(Map<String, String> bodies, Set<String> secrets) {
    List<String> leaks = new ArrayList<>();
    bodies.forEach(
        (where, body) -> {
          for (String secret : secrets) {
            if (body.contains(secret)) {
              leaks.add(where + " contains a Secret value of length " + secret.length());
            }
          }
        });
    return leaks;
  }

  static AgentDeployment deployment() {
    return client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get();
  }

  /** Read, change, write; again on a 409 when the operator wrote the status in between. */
  static void edit(UnaryOperator<AgentDeployment> change) {
    Fleet.edit(
        client.resources(AgentDeployment.class).inNamespace("default").withName(NAME), change);
  }
}
