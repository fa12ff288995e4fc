package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a cluster does to an operator that a mock server cannot: a second replica waiting on the
 * Lease while the first one dies, and an API server that restarts under a reconciling operator.
 */
@Tag("apiserver")
class FailoverIT {

  static Testbed bed;
  final Map<String, OperatorProcess> running = new HashMap<>();

  @BeforeAll
  static void start() {
    bed = Testbed.start("failover");
    // Two replicas, each under its own ServiceAccount bound to the shipped roles, so the audit log
    // tells their writes apart.
    for (String account : List.of("replica-a", "replica-b")) {
      bed.admin()
          .serviceAccounts()
          .inNamespace(Testbed.OPERATOR_NAMESPACE)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(account).endMetadata().build())
          .create();
      bed.admin()
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName(account)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "agentfleet-operator")
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(account)
                  .withNamespace(Testbed.OPERATOR_NAMESPACE)
                  .endSubject()
                  .build())
          .create();
      bed.admin()
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(account)
                  .withNamespace(Testbed.OPERATOR_NAMESPACE)
                  .endMetadata()
                  .withNewRoleRef(
                      "rbac.authorization.k8s.io", "Role", "agentfleet-operator-leader-election")
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(account)
                  .withNamespace(Testbed.OPERATOR_NAMESPACE)
                  .endSubject()
                  .build())
          .create();
    }
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopOperators() {
    running.values().forEach(OperatorProcess::close);
    running.clear();
    bed.admin().leases().inNamespace(Testbed.OPERATOR_NAMESPACE).delete();
  }

  OperatorProcess operator(String identity, String account, Map<String, String> env) {
    OperatorProcess p = OperatorProcess.start(bed, identity, account, env);
    running.put(identity, p);
    return p;
  }

  String holder() {
    Lease lease =
        bed.admin()
            .leases()
            .inNamespace(Testbed.OPERATOR_NAMESPACE)
            .withName("agentfleet-operator")
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  String logs() {
    return running.values().stream().map(OperatorProcess::seeLog).collect(Collectors.joining(", "));
  }

  @Test
  void whenTheLeaderIsKilledTheStandbyTakesOverWithinTheLeaseAndNothingIsDoneTwice() {
    OperatorProcess a = operator("replica-a", "replica-a", Map.of()).awaitReady();
    Fleet fleet = new Fleet(bed, bed.namespace("failover"), this::logs);
    fleet.eventually(
        Fleet.WAIT, "replica-a holds the Lease", () -> assertThat(holder()).isEqualTo("replica-a"));
    OperatorProcess b = operator("replica-b", "replica-b", Map.of()).awaitReady();
    Instant bothUp = Instant.now();

    fleet.create("web", 3, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 3);
    fleet.setImage("web", "agent:2");
    fleet.awaitRolledOut("web", 3);
    assertThat(holder()).isEqualTo("replica-a");
    assertThat(bed.audit().by(b.user(), bothUp))
        .as("the standby writes nothing, not even its Lease; " + b.seeLog())
        .isEmpty();

    Set<String> before = podNames(fleet);
    Instant killed = Instant.now();
    a.kill();
    fleet.eventually(
        Duration.ofSeconds(40),
        "replica-b holds the Lease",
        () -> assertThat(holder()).isEqualTo("replica-b"));
    Duration takeover = Duration.between(killed, Instant.now());
    // The Lease lasts 15 s from the last renewal b saw; b looks every 2 s; a few seconds of slack
    // for two busy cores.
    assertThat(takeover)
        .as("takeover after the kill; " + b.seeLog())
        .isLessThan(Duration.ofSeconds(15 + 2 + 5));

    fleet.kubectl("scale", "agd/web", "--replicas=4");
    fleet.awaitRolledOut("web", 4);
    Set<String> after = podNames(fleet);
    assertThat(after).as("the new leader kept every worker; " + b.seeLog()).containsAll(before);
    assertThat(
            bed.audit().by(a.user(), killed).stream().filter(w -> !w.resource().equals("leases")))
        .as("nothing from the dead leader")
        .isEmpty();
    assertThat(
            bed.audit().by(b.user(), killed).stream()
                .filter(w -> w.is("create", "pods") && w.code() == 201)
                .count())
        .as("one pod made by the new leader, for the one worker added; " + b.seeLog())
        .isEqualTo(1);
    assertThat(
            bed.audit().by(b.user(), killed).stream().filter(w -> w.is("delete", "pods")).count())
        .as("no pod deleted that should stay; " + b.seeLog())
        .isZero();
    assertCreatedOnce(fleet);
  }

  @Test
  void anApiServerRestartDuringAScaleUpEndsConvergedWithoutDuplicates() throws IOException {
    // A Lease that outlasts the restart (the default gives up after 10 s without renewal, and the
    // API server is gone for longer), so the same process has to pick its watches up again.
    OperatorProcess op =
        operator(
                "replica-a",
                "replica-a",
                Map.of(
                    "AGENTFLEET_OPERATOR_LEASE_DURATION", "90s",
                    "AGENTFLEET_OPERATOR_LEASE_RENEW_DEADLINE", "75s"))
            .awaitReady();
    Fleet fleet = new Fleet(bed, bed.namespace("restart"), op::seeLog);
    fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);

    fleet.kubectl("scale", "agd/web", "--replicas=8");
    fleet.eventually(
        Fleet.WAIT,
        "the scale-up under way",
        () -> assertThat(fleet.pods("web").size()).isGreaterThan(2));
    bed.plane().restartApiServer();

    fleet.awaitRolledOut("web", 8);
    assertThat(op.alive()).as(op.seeLog()).isTrue();
    // Watches really resumed: a change after the restart is acted on without a resync.
    fleet.kubectl("scale", "agd/web", "--replicas=5");
    fleet.awaitRolledOut("web", 5);
    fleet.setImage("web", "agent:2");
    fleet.awaitRolledOut("web", 5);
    assertCreatedOnce(fleet);
    assertThat(
            bed
                .audit()
                .writes(w -> w.by(op.user()) && w.is("create", "pods") && w.code() == 201)
                .stream()
                .filter(w -> fleet.namespace.equals(w.namespace()))
                .count())
        .as("pods made: 2, then 6 more, then 5 of the new revision; " + op.seeLog())
        .isEqualTo(2 + 6 + 5);
  }

  /** No pod name was created twice (a retried create after a lost answer would show here). */
  private void assertCreatedOnce(Fleet fleet) {
    assertThat(bed.audit().creations(fleet.namespace, "pods").values())
        .as(logs())
        .allMatch(n -> n == 1);
  }

  private static Set<String> podNames(Fleet fleet) {
    return fleet.livePods("web").stream()
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toSet());
  }
}
