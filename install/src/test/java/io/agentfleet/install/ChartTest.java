package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart as Helm itself sees it: lint, default and non-default renderings, its CRD identical to
 * crds/, its rules identical to deploy/rbac.yaml, and deploy/ identical to its default rendering.
 */
class ChartTest {

  /** deploy/ files and the chart templates each is rendered from, in order. */
  static final Map<String, List<String>> DEPLOY_FILES =
      Map.of(
          "deploy/rbac.yaml", List.of("templates/serviceaccount.yaml", "templates/rbac.yaml"),
          "deploy/operator.yaml", List.of("templates/deployment.yaml", "templates/service.yaml"));

  static final String GENERATED =
      "# Rendered from helm/agentfleet (helm template agentfleet helm/agentfleet -n"
          + " agentfleet-system);\n"
          + "# install/ ChartTest checks it. To refresh after a chart change: ./mvnw -pl install test"
          + " -Dtest=ChartTest -Dinstall.update-deploy=true\n";

  static final Map<String, Object> EVERYTHING_ON =
      Map.of(
          "replicas", 1,
          "watchNamespaces[0]", "team-a",
          "watchNamespaces[1]", "team-b",
          "image.tag", "1.2.3",
          "imagePullSecrets[0].name", "regcred",
          "metrics.serviceMonitor.enabled", true,
          "grafana.dashboard.enabled", true,
          "networkPolicy.enabled", true,
          "extraEnv[0].name", "AGENTFLEET_OPERATOR_STATUS_POLL_INTERVAL",
          "extraEnv[0].value", "2s");

  @Test
  void helmLintPasses() {
    LintResult lint = new Helm(Chart.dir()).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void theChartsCrdIsTheCommittedOne() throws IOException {
    Path committed = Chart.repo().resolve("crds/agentdeployments.agentfleet.io-v1.yml");
    Path inChart = Chart.dir().resolve("crds/agentdeployments.agentfleet.io-v1.yml");
    assertThat(Files.readString(inChart))
        .as("helm/agentfleet/crds/ must be a copy of " + committed + " (cp it after a CRD change)")
        .isEqualTo(Files.readString(committed));
    try (var files = Files.list(Chart.dir().resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(inChart.getFileName().toString());
    }
  }

  @Test
  void defaultRenderingWatchesAllNamespacesWithAClusterRole() {
    List<Map<String, Object>> objects = Chart.objects(Chart.defaultTemplate());

    assertThat(objects.stream().map(ChartTest::kindAndName))
        .containsExactlyInAnyOrder(
            "ServiceAccount/agentfleet-operator",
            "ClusterRole/agentfleet-operator",
            "ClusterRoleBinding/agentfleet-operator",
            "Role/agentfleet-operator-leader-election",
            "RoleBinding/agentfleet-operator-leader-election",
            "Deployment/agentfleet-operator",
            "Service/agentfleet-operator");
    Map<String, Object> container = operatorContainer(objects);
    assertThat(env(container)).containsEntry("AGENTFLEET_WATCH_NAMESPACES", "JOSDK_ALL_NAMESPACES");
    assertThat(container.get("image")).isEqualTo("ghcr.io/agentfleet/agentfleet-operator:0.1.0");
  }

  @Test
  void deploymentIsRestrictedAndProbesQuarkusHealth() {
    Map<String, Object> deployment = find(Chart.objects(Chart.defaultTemplate()), "Deployment");
    Map<String, Object> pod =
        Chart.map(Chart.map(Chart.map(deployment.get("spec")).get("template")).get("spec"));
    assertThat(Chart.map(pod.get("securityContext")))
        .containsEntry("runAsNonRoot", true)
        .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
    Map<String, Object> container = operatorContainer(List.of(deployment));
    assertThat(Chart.map(container.get("securityContext")))
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
    assertThat(Chart.map(Chart.map(container.get("livenessProbe")).get("httpGet")))
        .containsEntry("path", "/q/health/live");
    assertThat(Chart.map(Chart.map(container.get("readinessProbe")).get("httpGet")))
        .containsEntry("path", "/q/health/ready");
  }

  @Test
  void nonDefaultValuesRenderRolesPerNamespaceAndTheOptionalObjects() {
    List<Map<String, Object>> objects =
        Chart.objects(Chart.template("fleet", "ops", EVERYTHING_ON));

    assertThat(objects.stream().map(ChartTest::kindAndName))
        .contains(
            "Role/fleet-operator",
            "RoleBinding/fleet-operator",
            "ClusterRole/fleet-operator-crd",
            "ServiceMonitor/fleet-operator",
            "ConfigMap/fleet-operator-dashboard",
            "NetworkPolicy/fleet-operator")
        .doesNotContain("ClusterRole/fleet-operator", "ClusterRoleBinding/fleet-operator");
    assertThat(
            objects.stream()
                .filter(o -> o.get("kind").equals("Role") && name(o).equals("fleet-operator"))
                .map(o -> Chart.map(o.get("metadata")).get("namespace")))
        .containsExactlyInAnyOrder("team-a", "team-b");
    Map<String, Object> container = operatorContainer(objects);
    assertThat(env(container))
        .containsEntry("AGENTFLEET_WATCH_NAMESPACES", "team-a,team-b")
        .containsEntry("AGENTFLEET_OPERATOR_LEASE_NAME", "fleet-operator")
        .containsEntry("AGENTFLEET_OPERATOR_STATUS_POLL_INTERVAL", "2s");
    assertThat(container.get("image")).isEqualTo("ghcr.io/agentfleet/agentfleet-operator:1.2.3");
    Map<String, Object> deployment = find(objects, "Deployment");
    assertThat(Chart.map(deployment.get("spec"))).containsEntry("replicas", 1);
    Map<String, Object> pod =
        Chart.map(Chart.map(Chart.map(deployment.get("spec")).get("template")).get("spec"));
    assertThat(pod.get("imagePullSecrets")).isEqualTo(List.of(Map.of("name", "regcred")));
  }

  @Test
  void dashboardWriteActionsAreOffUnlessAskedForAndThenMayAskTheApiServerWhoCalls() {
    List<Map<String, Object>> plain = Chart.objects(Chart.template("fleet", "ops", Map.of()));
    assertThat(plain.stream().map(ChartTest::kindAndName))
        .doesNotContain("ClusterRole/fleet-operator-dashboard-writes");
    assertThat(env(operatorContainer(plain)))
        .doesNotContainKey("AGENTFLEET_OPERATOR_DASHBOARD_WRITE_ACTIONS");

    List<Map<String, Object>> writes =
        Chart.objects(Chart.template("fleet", "ops", Map.of("dashboard.writeActions", true)));
    assertThat(env(operatorContainer(writes)))
        .containsEntry("AGENTFLEET_OPERATOR_DASHBOARD_WRITE_ACTIONS", "true");
    Map<String, Object> role =
        writes.stream()
            .filter(o -> kindAndName(o).equals("ClusterRole/fleet-operator-dashboard-writes"))
            .findFirst()
            .orElseThrow();
    assertThat(verbs(Chart.list(role.get("rules"))))
        .containsExactlyInAnyOrder(
            "authentication.k8s.io/tokenreviews:create",
            "authorization.k8s.io/subjectaccessreviews:create");
    assertThat(writes.stream().map(ChartTest::kindAndName))
        .contains("ClusterRoleBinding/fleet-operator-dashboard-writes");
  }

  @Test
  void theRolesGrantExactlyTheRulesOfDeploy() throws IOException {
    List<Map<String, Object>> shipped =
        Chart.objects(Files.readString(Chart.repo().resolve("deploy/rbac.yaml")));
    Object clusterRules = Chart.map(find(shipped, "ClusterRole")).get("rules");

    List<Map<String, Object>> namespaced =
        Chart.objects(Chart.template("fleet", "ops", EVERYTHING_ON));
    Map<String, Object> role =
        namespaced.stream()
            .filter(o -> o.get("kind").equals("Role") && name(o).equals("fleet-operator"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> crdRole = find(namespaced, "ClusterRole");

    // The per-namespace Role plus the one cluster-wide CRD read are the ClusterRole's rules.
    Set<String> granted = verbs(Chart.list(role.get("rules")));
    granted.addAll(verbs(Chart.list(crdRole.get("rules"))));
    assertThat(granted).isEqualTo(verbs(Chart.list(clusterRules)));
  }

  @Test
  void valuesOutsideTheSchemaAreRefused() {
    assertThatThrownBy(() -> Chart.template("agentfleet", "ops", Map.of("replicas", 3)))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Chart.template("agentfleet", "ops", Map.of("replica", 1)))
        .hasMessageContaining("replica");
    assertThatThrownBy(
            () -> Chart.template("agentfleet", "ops", Map.of("watchNamespaces[0]", "Not_A_Name")))
        .hasMessageContaining("watchNamespaces");
  }

  @Test
  void deployIsTheDefaultRendering() throws IOException {
    Map<String, String> sources = Chart.bySource(Chart.defaultTemplate());
    for (var file : DEPLOY_FILES.entrySet()) {
      String expected =
          GENERATED
              + file.getValue().stream()
                  .map(
                      t -> {
                        assertThat(sources).as("rendered templates").containsKey(t);
                        return sources.get(t);
                      })
                  .collect(Collectors.joining("---\n"));
      Path path = Chart.repo().resolve(file.getKey());
      if (Boolean.getBoolean("install.update-deploy")) {
        Files.writeString(path, expected);
      }
      assertThat(Files.readString(path))
          .as(file.getKey() + " differs from the chart's default rendering; " + GENERATED)
          .isEqualTo(expected);
    }
  }

  @Test
  void theDashboardQueriesOnlyOperatorMetrics() throws IOException {
    Set<String> queried = Dashboard.metricNames(Dashboard.load());
    assertThat(queried).isNotEmpty().allMatch(name -> name.startsWith("agentfleet_"));
  }

  static Set<String> verbs(List<Object> rules) {
    Set<String> grants = new TreeSet<>();
    for (Object r : rules) {
      Map<String, Object> rule = Chart.map(r);
      for (Object group : Chart.list(rule.get("apiGroups"))) {
        for (Object resource : Chart.list(rule.get("resources"))) {
          for (Object verb : Chart.list(rule.get("verbs"))) {
            grants.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return grants;
  }

  static String kindAndName(Map<String, Object> object) {
    return object.get("kind") + "/" + name(object);
  }

  static String name(Map<String, Object> object) {
    return (String) Chart.map(object.get("metadata")).get("name");
  }

  static Map<String, Object> find(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).findFirst().orElseThrow();
  }

  static Map<String, Object> operatorContainer(List<Map<String, Object>> objects) {
    Map<String, Object> deployment = find(objects, "Deployment");
    Map<String, Object> pod =
        Chart.map(Chart.map(Chart.map(deployment.get("spec")).get("template")).get("spec"));
    return Chart.map(Chart.list(pod.get("containers")).get(0));
  }

  static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Object e : Chart.list(container.get("env"))) {
      Map<String, Object> var = Chart.map(e);
      if (var.get("value") != null) {
        env.put((String) var.get("name"), var.get("value").toString());
      }
    }
    return env;
  }
}
