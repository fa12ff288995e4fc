package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.RollingUpdate;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.operator.ScriptedWorker;
import io.agentfleet.operator.workers.DisruptionBudgets;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The only operator SIGKILLed in the middle of its work and started again, as its container is
 * after an OOM kill: the new process knows nothing but what the API server and the workers tell it.
 * It must carry on from there, not from the beginning: nothing created or deleted twice, no busy
 * worker taken, no extra worker made for pods that are only draining.
 */
@Tag("apiserver")
class OperatorRestartIT {

  /** A restarted container keeps its pod's name, so it is still the Lease's holder. */
  private static final String IDENTITY = "operator-0";

  static Testbed bed;
  final List<OperatorProcess> running = new ArrayList<>();

  @BeforeAll
  static void start() {
    bed = Testbed.start("restart");
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopOperators() {
    running.forEach(OperatorProcess::close);
    running.clear();
  }

  /**
   * The first process, watching only the test's namespace so that what it counts is about this
   * test; its log is {@code operator-0-<namespace>.log}.
   */
  OperatorProcess first(String namespace) {
    return started(
        OperatorProcess.start(
            bed,
            IDENTITY + "-" + namespace,
            Testbed.OPERATOR_ACCOUNT,
            Map.of("HOSTNAME", IDENTITY, "AGENTFLEET_WATCH_NAMESPACES", namespace)));
  }

  /** The same container again: same election identity, its own log file. */
  OperatorProcess restarted(String namespace) {
    return started(
        OperatorProcess.start(
            bed,
            IDENTITY + "-" + namespace + "-restarted",
            Testbed.OPERATOR_ACCOUNT,
            Map.of("HOSTNAME", IDENTITY, "AGENTFLEET_WATCH_NAMESPACES", namespace)));
  }

  private OperatorProcess started(OperatorProcess p) {
    running.add(p);
    return p.awaitReady();
  }

  String logs() {
    return running.stream().map(OperatorProcess::seeLog).collect(Collectors.joining(", "));
  }

  @Test
  void killedInTheMiddleOfARolloutItResumesAndFinishesWithoutDoingAnythingTwice()
      throws IOException {
    Fleet fleet = new Fleet(bed, bed.namespace("rollout"), this::logs);
    OperatorProcess first = first(fleet.namespace);
    fleet.create("web", 4, "agent:1", d -> d.getSpec().setStrategy(rolling("1")));
    fleet.awaitRolledOut("web", 4);
    Set<String> old = names(fleet.livePods("web"));
    // One old worker carries calls: the rollout drains it like the others, and its pod must stay
    // until its calls end, across the restart.
    String busy = old.iterator().next();
    ScriptedWorker busyWorker = bed.kubelet().worker(fleet.namespace, busy);
    busyWorker.report(2, 0.5);
    awaitMarkedBusy(fleet, busy);

    Instant rolloutStarted = Instant.now();
    fleet.setImage("web", "agent:2");
    fleet.eventually(
        Fleet.WAIT,
        "the first worker of the new revision",
        () -> assertThat(fleet.images("web")).contains("agent:2"));
    first.kill();
    Instant killed = Instant.now();
    List<Pod> atKill = fleet.livePods("web");
    long newAtKill = atKill.stream().filter(p -> image(p).equals("agent:2")).count();
    long oldAtKill = atKill.size() - newAtKill;
    assertThat(newAtKill).as("new workers when killed; " + first.seeLog()).isPositive();
    assertThat(oldAtKill).as("old workers left when killed; " + first.seeLog()).isPositive();

    OperatorProcess second = restarted(fleet.namespace);
    Duration restart = Duration.between(killed, Instant.now());
    fleet.eventually(
        Fleet.WAIT,
        "every old worker told to drain",
        () -> assertThat(names(fleet.livePods("web"))).doesNotContainAnyElementsOf(old));
    fleet.eventually(
        Fleet.WAIT,
        "four new workers",
        () ->
            assertThat(fleet.images("web"))
                .containsExactly("agent:2", "agent:2", "agent:2", "agent:2"));
    assertThat(names(fleet.pods("web")))
        .as("the busy old worker drains until its calls end; " + logs())
        .contains(busy);
    busyWorker.report(0, 0);
    fleet.awaitRolledOut("web", 4);

    String ns = fleet.namespace;
    assertThat(bed.audit().creations(ns, "pods").values())
        .as("each pod name created once; " + logs())
        .allMatch(n -> n == 1);
    assertThat(bed.audit().creations(ns, "pods"))
        .as("four workers, then four of the new revision; " + logs())
        .hasSize(8);
    assertThat(bed.audit().creations(ns, "controllerrevisions"))
        .as("one revision per template, each created once; " + logs())
        .hasSize(2)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    Map<String, Long> drained = operatorDeletions(ns, second, rolloutStarted);
    assertThat(drained)
        .as("every old worker drained once, no new one deleted; " + logs())
        .containsOnlyKeys(old)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    assertThat(bed.audit().mostPodsAlive(ns))
        .as("workers alive at once, at most 4 + maxSurge 1; " + logs())
        .isLessThanOrEqualTo(5);
    System.out.printf(
        "rollout: killed with %d new and %d old workers live; restarted and ready in %d ms;"
            + " rollout done %d s after it began%n",
        newAtKill,
        oldAtKill,
        restart.toMillis(),
        Duration.between(rolloutStarted, Instant.now()).toSeconds());
  }

  @Test
  void killedWhileItsScaleDownDrainsItRemovesNoMoreAndCreatesNothing() throws Exception {
    Fleet fleet = new Fleet(bed, bed.namespace("scaledown"), this::logs);
    OperatorProcess first = first(fleet.namespace);
    fleet.create("web", 6, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 6);
    // Every worker busy, so the two the scale-down takes (fewest calls) drain for as long as the
    // test keeps their calls; the four that stay hold more.
    Map<String, ScriptedWorker> workers = bed.kubelet().workers(fleet.namespace);
    List<String> byName = List.copyOf(workers.keySet());
    int[] calls = {1, 1, 2, 3, 3, 3};
    for (int i = 0; i < byName.size(); i++) {
      workers.get(byName.get(i)).report(calls[i], calls[i] / 4.0);
    }
    byName.forEach(name -> awaitMarkedBusy(fleet, name));
    Set<String> victims = Set.of(byName.get(0), byName.get(1));
    Set<String> kept = Set.copyOf(byName.subList(2, 6));

    Instant scaled = Instant.now();
    fleet.kubectl("scale", "agd/web", "--replicas=4");
    fleet.eventually(
        Fleet.WAIT,
        "the two workers with fewest calls draining",
        () -> assertThat(names(fleet.livePods("web"))).isEqualTo(kept));
    first.kill();
    Instant killed = Instant.now();
    assertThat(names(fleet.pods("web")))
        .as("the victims still drain when the operator dies")
        .containsAll(victims);

    OperatorProcess second = restarted(fleet.namespace);
    Duration restart = Duration.between(killed, Instant.now());
    // It reconciles the deployment while the two pods still drain, once at start and again when
    // woken after it has read every worker: a process that counted them as gone would make two
    // more, one that counted them as serving would drain two busy ones.
    fleet.eventually(
        Fleet.WAIT,
        "the restarted operator reconciled",
        () -> assertThat(reconciles(second)).isPositive());
    Thread.sleep(3000);
    double before = reconciles(second);
    fleet.kubectl("annotate", "agd/web", "example.com/poke=after-restart");
    fleet.eventually(
        Fleet.WAIT,
        "the restarted operator reconciled again",
        () -> assertThat(reconciles(second)).isGreaterThan(before));
    assertThat(names(fleet.pods("web")))
        .as("the victims still drain after the restart")
        .containsAll(victims);
    assertThat(names(fleet.livePods("web"))).isEqualTo(kept);
    victims.forEach(v -> bed.kubelet().worker(fleet.namespace, v).report(0, 0));
    fleet.awaitRolledOut("web", 4);

    String ns = fleet.namespace;
    assertThat(names(fleet.pods("web"))).as("the busiest four stay; " + logs()).isEqualTo(kept);
    assertThat(operatorDeletions(ns, second, scaled))
        .as("exactly the two victims drained, once each; " + logs())
        .containsOnlyKeys(victims)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    assertThat(
            bed.audit().by(second.user(), killed).stream()
                .filter(w -> ns.equals(w.namespace()))
                .filter(w -> w.is("create", "pods") || w.is("delete", "pods")))
        .as("the restarted operator created and deleted no pod; " + second.seeLog())
        .isEmpty();
    assertThat(bed.audit().creations(ns, "pods")).as("no pod made after the first six").hasSize(6);
    System.out.printf(
        "scale-down: killed with 2 victims draining; restarted and ready in %d ms%n",
        restart.toMillis());
  }

  private static double reconciles(OperatorProcess operator) throws Exception {
    return FootprintBenchmark.Scrape.of(operator).sum("agentfleet_reconciles_total");
  }

  private static Strategy rolling(String maxSurge) {
    RollingUpdate r = new RollingUpdate();
    r.setMaxSurge(maxSurge);
    Strategy s = new Strategy();
    s.setRollingUpdate(r);
    return s;
  }

  /** The operator has read the worker's calls: it marked the pod busy. */
  private static void awaitMarkedBusy(Fleet fleet, String pod) {
    fleet.eventually(
        Fleet.WAIT,
        pod + " marked busy",
        () ->
            assertThat(
                    fleet
                        .client()
                        .pods()
                        .inNamespace(fleet.namespace)
                        .withName(pod)
                        .get()
                        .getMetadata()
                        .getLabels())
                .containsEntry(DisruptionBudgets.BUSY, "true"));
  }

  /** Pod deletions accepted from the operator (either process: one ServiceAccount) since then. */
  private static Map<String, Long> operatorDeletions(
      String namespace, OperatorProcess operator, Instant since) {
    return bed.audit().by(operator.user(), since).stream()
        .filter(w -> namespace.equals(w.namespace()))
        .filter(w -> w.is("delete", "pods") && w.code() == 200)
        .collect(Collectors.groupingBy(AuditLog.Request::name, Collectors.counting()));
  }

  private static String image(Pod p) {
    return p.getSpec().getContainers().get(0).getImage();
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }
}
