package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.Rollback;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code deploy/rbac.yaml} is sufficient and minimal. Sufficient: under the shipped roles the
 * operator carries a deployment through everything that needs a permission — start (the CRD check,
 * the informers, the Lease), workers, autoscaling through the scale subresource, evictability
 * annotations, Events, status, an automatic rollback (which edits the spec and a revision) and the
 * pruning of the failed revision — without one refused request. Minimal: with any one verb of any
 * rule taken away, the same run fails, and visibly: the operator's log names the verb the API
 * server refused, and where the failure is inside a reconcile the deployment also says so.
 *
 * <p>Each case runs its own operator process under its own ServiceAccount, roles, Lease and watched
 * namespace, so a few run at once on the one control plane.
 */
@Tag("apiserver")
class RbacIT {

  /** One verb of one rule taken away ({@code verb} null: the roles as shipped). */
  record Cut(String role, int rule, String resources, String verb) {
    @Override
    public String toString() {
      return verb == null ? "as shipped" : role + " " + resources + ": without " + verb;
    }
  }

  static Testbed bed;
  static ClusterRole shippedClusterRole;
  static Role shippedLeaseRole;
  static final AtomicInteger CASES = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    bed = Testbed.start("rbac");
    Files.deleteIfExists(bed.workdir().resolve("refusals.txt"));
    shippedClusterRole = shipped(ClusterRole.class);
    shippedLeaseRole = shipped(Role.class);
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  static Stream<Cut> cuts() throws IOException {
    List<Cut> cuts = new ArrayList<>();
    ClusterRole cluster = shipped(ClusterRole.class);
    addCuts(cuts, "ClusterRole", cluster.getRules());
    addCuts(cuts, "Role", shipped(Role.class).getRules());
    return cuts.stream();
  }

  private static void addCuts(List<Cut> cuts, String role, List<PolicyRule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      for (String verb : rules.get(i).getVerbs()) {
        cuts.add(new Cut(role, i, String.join(",", rules.get(i).getResources()), verb));
      }
    }
  }

  @Test
  void theShippedRolesAreEnoughForEverythingTheOperatorDoes() {
    Run run = Run.of(new Cut(null, -1, null, null));
    try (run) {
      run.fullScenario();
      assertThat(bed.audit().writes(w -> w.by(run.operator.user()) && w.code() == 403))
          .as(run.operator.seeLog())
          .isEmpty();
      assertThat(run.operator.logText()).as(run.operator.seeLog()).doesNotContain("forbidden");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cuts")
  @Execution(ExecutionMode.CONCURRENT)
  void withoutAnyOneVerbTheOperatorFailsVisibly(Cut cut) {
    Run run = Run.of(cut);
    try (run) {
      Optional<String> seen = run.scenarioUntilRefused();
      assertThat(seen)
          .as(
              "the operator ran its whole scenario without %s on %s: the verb is not needed;"
                  + " %s",
              cut.verb(), cut.resources(), run.operator.seeLog())
          .isPresent();
      Shown shown = run.shown();
      run.report(seen.get(), shown);
      if (failsInAReconcile(cut)) {
        assertThat(shown.condition())
            .as("Degraded names the refused %s; %s", cut.verb(), run.operator.seeLog())
            .isTrue();
        assertThat(shown.event())
            .as("a Warning Event names the refused %s; %s", cut.verb(), run.operator.seeLog())
            .isTrue();
      } else if (cut.resources().equals("agentdeployments/status")) {
        assertThat(shown.event())
            .as("without a status, a Warning Event says why; %s", run.operator.seeLog())
            .isTrue();
      }
    }
  }

  /**
   * Requests made inside a reconcile: a refusal there is an API error of the deployment, which its
   * status and Events show. The others are the informers' list and watch and the start-up checks
   * (the operator does not start: its log and its missing readiness say why), the status itself,
   * Events, and the Lease.
   */
  static boolean failsInAReconcile(Cut cut) {
    if (!"ClusterRole".equals(cut.role())
        || cut.verb().equals("list")
        || cut.verb().equals("watch")) {
      return false;
    }
    return !List.of("agentdeployments/status", "events", "customresourcedefinitions")
        .contains(cut.resources());
  }

  /** Where, besides the log, a refusal showed. */
  record Shown(boolean condition, boolean event, boolean exited) {}

  /** One case: its account, roles, namespace, operator; what it saw. */
  static final class Run implements AutoCloseable {
    final Cut cut;
    final String id;
    final Fleet fleet;
    final OperatorProcess operator;
    final List<Pattern> refusal;

    private Run(Cut cut, String id, Fleet fleet, OperatorProcess operator) {
      this.cut = cut;
      this.id = id;
      this.fleet = fleet;
      this.operator = operator;
      List<Pattern> patterns = new ArrayList<>();
      if (cut.verb() != null) {
        for (String resource : cut.resources().split(",")) {
          // The API server's own words, e.g. cannot patch resource "agentdeployments/status".
          patterns.add(
              Pattern.compile(
                  "cannot " + cut.verb() + " resource \\\"" + Pattern.quote(resource) + "\\\""));
          // A refused watch is answered on the websocket upgrade, with no words but the request.
          if (cut.verb().equals("watch")) {
            patterns.add(
                Pattern.compile(
                    "403 on websocket.*/" + Pattern.quote(resource) + "\\?.*watch=true"));
          }
        }
        // The SDK checks its Lease permissions before it runs for the Lease.
        patterns.add(Pattern.compile("missing required verbs: \\[[^\\]]*\\b" + cut.verb() + "\\b"));
      }
      this.refusal = patterns;
    }

    static Run of(Cut cut) {
      String id = "rbac-" + CASES.incrementAndGet();
      String account = "operator-" + id;
      String namespace = bed.namespace(id);
      bed.admin()
          .serviceAccounts()
          .inNamespace(Testbed.OPERATOR_NAMESPACE)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(account).endMetadata().build())
          .create();
      List<PolicyRule> clusterRules = shippedClusterRole.getRules();
      List<PolicyRule> leaseRules = shippedLeaseRole.getRules();
      if ("ClusterRole".equals(cut.role())) {
        clusterRules = without(clusterRules, cut.rule(), cut.verb());
      } else if ("Role".equals(cut.role())) {
        leaseRules = without(leaseRules, cut.rule(), cut.verb());
      }
      ClusterRole cluster =
          new ClusterRoleBuilder()
              .withNewMetadata()
              .withName(account)
              .endMetadata()
              .withRules(clusterRules)
              .build();
      ClusterRoleBinding clusterBinding =
          new ClusterRoleBindingBuilder()
              .withNewMetadata()
              .withName(account)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", account)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(account)
              .withNamespace(Testbed.OPERATOR_NAMESPACE)
              .endSubject()
              .build();
      Role lease =
          new RoleBuilder()
              .withNewMetadata()
              .withName(account)
              .withNamespace(Testbed.OPERATOR_NAMESPACE)
              .endMetadata()
              .withRules(leaseRules)
              .build();
      RoleBinding leaseBinding =
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName(account)
              .withNamespace(Testbed.OPERATOR_NAMESPACE)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", account)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(account)
              .withNamespace(Testbed.OPERATOR_NAMESPACE)
              .endSubject()
              .build();
      for (HasMetadata o : List.<HasMetadata>of(cluster, clusterBinding, lease, leaseBinding)) {
        bed.admin().resource(o).create();
      }
      bed.admin()
          .configMaps()
          .inNamespace(namespace)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("agent-config")
                  .endMetadata()
                  .addToData("greeting", "hello")
                  .build())
          .create();
      OperatorProcess operator =
          OperatorProcess.start(
              bed,
              id,
              account,
              Map.of(
                  "AGENTFLEET_WATCH_NAMESPACES", namespace,
                  "AGENTFLEET_OPERATOR_LEASE_NAME", "agentfleet-operator-" + id,
                  // A refused renewal shows within a second or two, not ten.
                  "AGENTFLEET_OPERATOR_LEASE_DURATION", "6s",
                  "AGENTFLEET_OPERATOR_LEASE_RENEW_DEADLINE", "4s",
                  "AGENTFLEET_OPERATOR_LEASE_RETRY_PERIOD", "1s"));
      return new Run(cut, id, new Fleet(bed, namespace, operator::seeLog), operator);
    }

    private static List<PolicyRule> without(List<PolicyRule> rules, int index, String verb) {
      List<PolicyRule> cut = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        PolicyRule r = rules.get(i);
        if (i != index) {
          cut.add(r);
          continue;
        }
        List<String> verbs = r.getVerbs().stream().filter(v -> !v.equals(verb)).toList();
        if (!verbs.isEmpty()) {
          cut.add(new PolicyRuleBuilder(r).withVerbs(verbs).build());
        }
      }
      return cut;
    }

    /**
     * What needs every permission: a deployment of one worker that the autoscaler raises to two,
     * whose workers report (evictability annotations), then a crash-looping template that is rolled
     * back automatically (spec and revision edits), after which the failed revision is pruned
     * (revisionHistoryLimit 0).
     */
    void createDeployment() {
      fleet.create(
          "probe",
          1,
          "agent:1",
          d -> {
            Autoscaling a = new Autoscaling();
            a.setEnabled(true);
            a.setMinReplicas(2);
            a.setMaxReplicas(2);
            d.getSpec().setAutoscaling(a);
            Rollback r = new Rollback();
            r.setAutomatic(true);
            d.getSpec().setRollback(r);
            d.getSpec().setRevisionHistoryLimit(0);
            d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setEnv(
                    List.of(
                        new EnvVarBuilder()
                            .withName("GREETING")
                            .withNewValueFrom()
                            .withNewConfigMapKeyRef("greeting", "agent-config", false)
                            .endValueFrom()
                            .build()));
          });
    }

    void fullScenario() {
      operator.awaitReady();
      createDeployment();
      fleet.awaitRolledOut("probe", 2);
      fleet.eventually(Fleet.WAIT, "workers marked safe to evict", this::evictabilityMarked);
      fleet.eventually(Fleet.WAIT, "a last stable revision", this::stable);
      fleet.setImage("probe", "broken:2");
      fleet.eventually(Fleet.WAIT, "rolled back", this::rolledBack);
      fleet.eventually(Fleet.WAIT, "back on agent:1, failed revision pruned", this::backAndPruned);
    }

    /**
     * Runs the scenario until the refusal shows in the operator's log; each step is given a
     * deadline and the run goes on after a step that did not happen (a verb may only be needed by a
     * later one).
     */
    Optional<String> scenarioUntilRefused() {
      List<Step> steps =
          List.of(
              new Step(Duration.ofSeconds(5), this::createDeployment),
              new Step(Duration.ofSeconds(60), () -> fleet.assertRolledOut("probe", 2)),
              new Step(Duration.ofSeconds(15), this::evictabilityMarked),
              new Step(Duration.ofSeconds(15), this::stable),
              new Step(Duration.ofSeconds(5), () -> fleet.setImage("probe", "broken:2")),
              new Step(Duration.ofSeconds(30), this::rolledBack),
              new Step(Duration.ofSeconds(30), this::backAndPruned));
      for (Step step : steps) {
        Instant end = Instant.now().plus(step.atMost());
        while (Instant.now().isBefore(end)) {
          Optional<String> seen = refusalInLog();
          if (seen.isPresent()) {
            return seen;
          }
          try {
            step.action().run();
            break;
          } catch (Throwable notYet) {
            pause(250);
          }
        }
      }
      // Some refusals are only logged at the next retry.
      pause(3000);
      return refusalInLog();
    }

    private Optional<String> refusalInLog() {
      return operator
          .logText()
          .lines()
          .filter(l -> refusal.stream().anyMatch(p -> p.matcher(l).find()))
          .findFirst();
    }

    /**
     * Where else the refusal shows. The status and Event may follow the log line by a moment, and
     * an operator that could not start takes a moment to exit.
     */
    Shown shown() {
      Instant end = Instant.now().plus(Duration.ofSeconds(failsInAReconcile(cut) ? 20 : 5));
      Shown shown;
      do {
        AgentDeployment d = fleet.get("probe");
        var degraded = d == null ? null : Fleet.condition(d, ConditionType.DEGRADED);
        boolean inCondition =
            degraded != null
                && "True".equals(degraded.getStatus())
                && degraded.getMessage().contains("cannot " + cut.verb());
        boolean inEvent =
            fleet.events().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .map(Event::getMessage)
                .anyMatch(m -> m != null && m.contains("cannot " + cut.verb()));
        shown = new Shown(inCondition, inEvent, !operator.alive());
        if (shown.condition() && shown.event() || !failsInAReconcile(cut) && shown.exited()) {
          break;
        }
        pause(500);
      } while (Instant.now().isBefore(end));
      return shown;
    }

    /** One line per case in refusals.txt beside the logs: what the README's table says. */
    void report(String logLine, Shown shown) {
      String line =
          "%-62s exited=%-5s condition=%-5s event=%-5s %s%n"
              .formatted(
                  cut,
                  shown.exited(),
                  shown.condition(),
                  shown.event(),
                  logLine.length() > 140 ? logLine.substring(0, 140) : logLine);
      try {
        Files.writeString(
            bed.workdir().resolve("refusals.txt"),
            line,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    void evictabilityMarked() {
      assertThat(fleet.livePods("probe"))
          .isNotEmpty()
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getAnnotations())
                      .containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "true"));
    }

    void stable() {
      AgentDeployment d = fleet.get("probe");
      assertThat(d.getStatus().getLastStableRevision()).isNotNull();
    }

    void rolledBack() {
      AgentDeployment d = fleet.get("probe");
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("agent:1");
      assertThat(Fleet.condition(d, ConditionType.ROLLED_BACK).getStatus()).isEqualTo("True");
    }

    void backAndPruned() {
      assertThat(fleet.images("probe")).containsExactly("agent:1", "agent:1");
      assertThat(fleet.pods("probe")).hasSize(2);
      assertThat(fleet.revisions("probe")).hasSize(1);
    }

    @Override
    public void close() {
      operator.close();
    }
  }

  record Step(Duration atMost, org.awaitility.core.ThrowingRunnable action) {}

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The object of that kind in {@code deploy/rbac.yaml}, as shipped. */
  static <T extends HasMetadata> T shipped(Class<T> kind) throws IOException {
    Path file = Path.of(System.getProperty("agentfleet.repo", "..")).resolve("deploy/rbac.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> all = load(in);
      return all.stream()
          .filter(kind::isInstance)
          .map(kind::cast)
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no " + kind.getSimpleName() + " in " + file));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> load(InputStream in) {
    Object parsed = Serialization.unmarshal(in);
    if (parsed instanceof List<?> list) {
      return (List<HasMetadata>) list;
    }
    if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) {
      return list.getItems();
    }
    return List.of((HasMetadata) parsed);
  }
}
