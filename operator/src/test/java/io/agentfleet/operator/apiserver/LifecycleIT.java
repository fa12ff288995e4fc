package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.Autoscaling;
import io.agentfleet.api.v1alpha1.Canary;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.operator.ScriptedWorker;
import io.agentfleet.operator.events.EventReason;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator as packaged, under the ServiceAccount and ClusterRole of {@code deploy/rbac.yaml},
 * against a real API server: what a user does with kubectl and the CLI, and what the cluster shows
 * afterwards. Every test has its own namespace; the last ones look at what the operator wrote over
 * the whole class.
 */
@Tag("apiserver")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Testbed bed;
  static OperatorProcess operator;

  @BeforeAll
  static void start() {
    bed = Testbed.start("lifecycle");
    operator =
        OperatorProcess.start(bed, "operator-0", Testbed.OPERATOR_ACCOUNT, Map.of()).awaitReady();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  Fleet fleet(String prefix) {
    return new Fleet(bed, bed.namespace(prefix), operator::seeLog);
  }

  @Test
  @Order(1)
  void createsWorkersAndARevisionAndScalesThroughTheScaleSubresource() {
    Fleet fleet = fleet("scale");
    AgentDeployment created = fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);

    List<ControllerRevision> revisions = fleet.revisions("web");
    assertThat(revisions).hasSize(1);
    assertThat(revisions.get(0).getRevision()).isEqualTo(1L);
    for (var owned :
        List.of(revisions.get(0).getMetadata(), fleet.pods("web").get(0).getMetadata())) {
      OwnerReference owner = owned.getOwnerReferences().get(0);
      assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(owner.getController()).isTrue();
    }

    fleet.kubectl("scale", "agd/web", "--replicas=4");
    fleet.awaitRolledOut("web", 4);
    assertThat(
            fleet.kubectl(
                "get", "agd/web", "--subresource=scale", "-o", "jsonpath={.status.replicas}"))
        .isEqualTo("4");

    Set<String> before = names(fleet.pods("web"));
    fleet.kubectl("scale", "agd/web", "--replicas=1");
    fleet.awaitRolledOut("web", 1);
    assertThat(before).containsAll(names(fleet.pods("web")));
    assertThat(fleet.kubectl("get", "agd/web", "-o", "jsonpath={.status.selector}"))
        .isEqualTo(AgentDeploymentLabels.selector("web"));
  }

  @Test
  @Order(2)
  void aTemplateChangeRollsOutANewRevisionAndOldWorkersDrainTheirCalls() {
    Fleet fleet = fleet("rolling");
    fleet.create("web", 3, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 3);
    Set<String> old = names(fleet.pods("web"));
    String busy = old.iterator().next();
    bed.kubelet().worker(fleet.namespace, busy).report(1, 0.25);
    fleet.eventually(
        Fleet.WAIT,
        "the busy worker marked unsafe to evict",
        () ->
            assertThat(annotations(fleet, busy))
                .containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "false"));

    fleet.setImage("web", "agent:2");
    // The busy worker is told to drain and keeps its call: its pod stays, Terminating.
    fleet.eventually(
        Fleet.WAIT,
        "every old worker told to drain",
        () ->
            assertThat(fleet.livePods("web"))
                .extracting(p -> p.getMetadata().getName())
                .doesNotContainAnyElementsOf(old));
    assertThat(names(fleet.pods("web"))).contains(busy);
    ScriptedWorker draining = bed.kubelet().worker(fleet.namespace, busy);
    assertThat(draining).as("the draining worker still runs").isNotNull();
    draining.report(0, 0);

    fleet.awaitRolledOut("web", 3);
    assertThat(fleet.images("web")).containsOnly("agent:2");
    assertThat(fleet.revisions("web")).hasSize(2);
    assertThat(names(fleet.pods("web"))).doesNotContainAnyElementsOf(old);
    assertThat(fleet.events(EventReason.SuccessfulDelete.name())).hasSize(3);
  }

  @Test
  @Order(3)
  void aCanaryWaitsAtItsPauseUntilPromotedTheWayTheCliDoes() {
    Fleet fleet = fleet("canary");
    fleet.create(
        "web",
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
    fleet.awaitRolledOut("web", 2);
    fleet.setImage("web", "agent:2");
    fleet.awaitPhase("web", RolloutPhase.Paused.name());
    fleet.eventually(
        Fleet.WAIT,
        "one worker of each revision",
        () -> assertThat(fleet.images("web")).containsExactly("agent:1", "agent:2"));
    assertThat(Fleet.condition(fleet.get("web"), ConditionType.PROGRESSING).getReason())
        .isEqualTo(RolloutPhase.Paused.name());

    // kubectl agents rollout promote: a JSON merge patch of the annotation, the time as value.
    String promoted = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    fleet.kubectl(
        "patch",
        "agd/web",
        "--type=merge",
        "-p",
        JSON.createObjectNode()
            .set(
                "metadata",
                JSON.createObjectNode()
                    .set(
                        "annotations",
                        JSON.createObjectNode().put(AgentDeploymentAnnotations.PROMOTE, promoted)))
            .toString());
    fleet.awaitRolledOut("web", 2);
    assertThat(fleet.images("web")).containsExactly("agent:2", "agent:2");
    assertThat(fleet.get("web").getStatus().getRollout().getPromoted()).isEqualTo(promoted);
  }

  @Test
  @Order(4)
  void undoCopiesAnOlderRevisionsTemplateBackAndThatRevisionIsRenumbered() throws Exception {
    Fleet fleet = fleet("undo");
    fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);
    fleet.setImage("web", "agent:2");
    fleet.awaitRolledOut("web", 2);
    List<ControllerRevision> revisions = fleet.revisions("web");
    assertThat(revisions).hasSize(2);
    String first = revisions.get(0).getMetadata().getName();

    // kubectl agents rollout undo: revision 1's data.spec.template replaces spec.template whole.
    JsonNode stored =
        JSON.readTree(fleet.kubectl("get", "controllerrevision", first, "-o", "json"));
    JsonNode template = RevisionData.templateTree(stored.get("data")).orElseThrow();
    assertThat(template.isObject()).as("revision 1 stores a template").isTrue();
    var op = JsonNodeFactory.instance.objectNode();
    op.put("op", "replace").put("path", "/spec/template").set("value", template);
    fleet.kubectl(
        "patch",
        "agd/web",
        "--type=json",
        "-p",
        JsonNodeFactory.instance.arrayNode().add(op).toString());

    fleet.awaitRolledOut("web", 2);
    assertThat(fleet.images("web")).containsExactly("agent:1", "agent:1");
    List<ControllerRevision> after = fleet.revisions("web");
    assertThat(after).as("the template came back: no new revision").hasSize(2);
    assertThat(after.get(after.size() - 1).getMetadata().getName()).isEqualTo(first);
    assertThat(after.get(after.size() - 1).getRevision()).isEqualTo(3L);
    assertThat(fleet.get("web").getStatus().getUpdateRevision()).isEqualTo(first);
  }

  @Test
  @Order(5)
  void pausedHoldsTheWorkersUntilResumed() {
    Fleet fleet = fleet("paused");
    fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);
    Set<String> before = names(fleet.pods("web"));

    fleet.kubectl("patch", "agd/web", "--type=merge", "-p", "{\"spec\":{\"paused\":true}}");
    fleet.setImage("web", "agent:2");
    fleet.kubectl("scale", "agd/web", "--replicas=3");
    fleet.eventually(
        Fleet.WAIT,
        "the paused deployment's status observed",
        () -> {
          AgentDeployment d = fleet.get("web");
          assertThat(d.getStatus().getObservedGeneration())
              .isEqualTo(d.getMetadata().getGeneration());
          assertThat(d.getStatus().getRollout().getPhase()).isEqualTo(RolloutPhase.Paused.name());
        });
    org.awaitility.Awaitility.await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> names(fleet.pods("web")).equals(before));
    assertThat(fleet.images("web")).containsExactly("agent:1", "agent:1");

    fleet.kubectl("patch", "agd/web", "--type=merge", "-p", "{\"spec\":{\"paused\":false}}");
    fleet.awaitRolledOut("web", 3);
    assertThat(fleet.images("web")).containsOnly("agent:2");
  }

  @Test
  @Order(6)
  void deletingTheDeploymentLeavesItsPodsAndRevisionsToTheGarbageCollector() {
    Fleet fleet = fleet("delete");
    fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);
    fleet.setImage("web", "agent:2");
    fleet.awaitRolledOut("web", 2);
    assertThat(fleet.revisions("web")).hasSize(2);
    Instant deleted = Instant.now();

    fleet.kubectl("delete", "agd/web", "--wait=false");
    fleet.eventually(
        Fleet.WAIT,
        "pods and revisions collected",
        () -> {
          assertThat(fleet.pods("web")).isEmpty();
          assertThat(fleet.revisions("web")).isEmpty();
        });
    assertThat(
            bed.audit().by(operator.user(), deleted).stream()
                .filter(w -> fleet.namespace.equals(w.namespace()))
                .filter(w -> w.verb().equals("delete")))
        .as("the operator deleted nothing itself; " + operator.seeLog())
        .isEmpty();
  }

  @Test
  @Order(7)
  void aTemplateTheApiServerRefusesIsAConditionAndAnEventWithoutAHotLoop() {
    Fleet fleet = fleet("refused");
    Instant created = Instant.now();
    // The schema cannot tell a mount of a volume the pod does not have; the API server can.
    fleet.create(
        "web",
        2,
        "agent:1",
        d ->
            d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setVolumeMounts(
                    List.of(
                        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                            .withName("models")
                            .withMountPath("/models")
                            .build())));
    fleet.eventually(
        Fleet.WAIT,
        "Degraded with the API server's reason",
        () -> {
          Condition degraded = Fleet.condition(fleet.get("web"), ConditionType.DEGRADED);
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getMessage()).contains("volumeMounts[0].name", "Not found");
        });
    fleet.eventually(
        Fleet.WAIT,
        "a Warning Event",
        () ->
            assertThat(fleet.events())
                .filteredOn(e -> "Warning".equals(e.getType()))
                .extracting(Event::getMessage)
                .anySatisfy(m -> assertThat(m).contains("volumeMounts[0].name")));

    Duration window = Duration.ofSeconds(20);
    sleep(window.minus(Duration.between(created, Instant.now())));
    List<AuditLog.Request> writes =
        bed.audit().by(operator.user(), created).stream()
            .filter(w -> fleet.namespace.equals(w.namespace()))
            .toList();
    long attempts = writes.stream().filter(w -> w.is("create", "pods")).count();
    assertThat(writes.stream().filter(w -> w.is("create", "pods") && w.code() == 201))
        .as("no pod was made")
        .isEmpty();
    // Retries back off from 5 s (doubling): about four in 20 s, not a loop.
    assertThat(attempts)
        .as("pod creations tried in %s; %s", window, operator.seeLog())
        .isBetween(1L, 6L);
    assertThat(writes.stream().filter(w -> w.is("create", "events")).count())
        .as("Events in %s; %s", window, operator.seeLog())
        .isLessThanOrEqualTo(attempts + 2);
    fleet.kubectl("delete", "agd/web");
  }

  @Test
  @Order(8)
  void anIdleFleetMakesNoWritesButLeaseRenewals() {
    Fleet fleet = fleet("idle");
    fleet.create("plain", 2, "agent:1", d -> {});
    fleet.create(
        "scaled",
        1,
        "agent:1",
        d -> {
          Autoscaling a = new Autoscaling();
          a.setEnabled(true);
          a.setMinReplicas(2);
          a.setMaxReplicas(4);
          d.getSpec().setAutoscaling(a);
        });
    fleet.awaitRolledOut("plain", 2);
    fleet.awaitRolledOut("scaled", 2);
    assertThat(
            bed.audit()
                .writes(
                    w ->
                        w.by(operator.user())
                            && fleet.namespace.equals(w.namespace())
                            && w.code() == 409))
        .as("the autoscaler's own scale write does not make its status patch a conflict")
        .isEmpty();
    fleet.eventually(
        Fleet.WAIT,
        "every worker marked safe to evict",
        () ->
            assertThat(
                    fleet.pods("plain").stream()
                        .map(p -> p.getMetadata().getAnnotations())
                        .map(a -> a.get("cluster-autoscaler.kubernetes.io/safe-to-evict")))
                .containsOnly("true"));
    sleep(Duration.ofSeconds(2));

    Instant from = Instant.now();
    // Wake both: a user's annotation on one, the autoscaler's 5 s resync on the other.
    fleet.kubectl("annotate", "agd/plain", "example.com/touched=yes");
    sleep(Duration.ofSeconds(15));
    List<AuditLog.Request> writes = bed.audit().by(operator.user(), from);
    assertThat(writes).as("the operator renews its Lease").anyMatch(w -> w.is("patch", "leases"));
    assertThat(writes.stream().filter(w -> !w.resource().equals("leases")))
        .as("writes of an idle operator; " + operator.seeLog())
        .isEmpty();
  }

  @Test
  @Order(9)
  void noWriteWasRefusedAndNoConflictWentUnhandled() {
    assertThat(bed.audit().writes(w -> w.by(operator.user()) && w.code() == 403))
        .as("writes the shipped RBAC refused; " + operator.seeLog())
        .isEmpty();
    // A status computed from a version a user changed meanwhile is refused with 409 and simply
    // reconciled again; that must not surface as an error, an Event or a Degraded condition.
    List<String> bad =
        operator
            .logText()
            .lines()
            .filter(l -> l.matches("^\\S+ (ERROR|WARN) .*"))
            .filter(
                l ->
                    l.contains("code=409")
                        || l.contains("Conflict")
                        || l.contains("Operation cannot be fulfilled")
                        || l.contains(" ERROR "))
            .toList();
    assertThat(bad).as(operator.seeLog()).isEmpty();
    assertThat(bed.admin().v1().events().inAnyNamespace().list().getItems())
        .extracting(Event::getReason)
        .doesNotContain(EventReason.ReconcileError.name());
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static Map<String, String> annotations(Fleet fleet, String pod) {
    Pod p = fleet.client().pods().inNamespace(fleet.namespace).withName(pod).get();
    return p.getMetadata().getAnnotations();
  }

  private static void sleep(Duration d) {
    if (d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
