package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.operator.SampleDeployments;
import io.agentfleet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/**
 * One namespace of a {@link Testbed} seen the way a user sees it: AgentDeployments written and read
 * through the API, their pods, revisions and Events. Waits fail naming the operator's log.
 */
final class Fleet {

  static final Duration WAIT = Duration.ofSeconds(60);

  final Testbed bed;
  final String namespace;
  private final Supplier<String> operatorLog;

  Fleet(Testbed bed, String namespace, Supplier<String> operatorLog) {
    this.bed = bed;
    this.namespace = namespace;
    this.operatorLog = operatorLog;
  }

  KubernetesClient client() {
    return bed.admin();
  }

  AgentDeployment create(String name, int replicas, String image, Consumer<AgentDeployment> tune) {
    AgentDeployment d = SampleDeployments.ourWorker(name, replicas, image);
    d.getMetadata().setNamespace(namespace);
    tune.accept(d);
    return client().resources(AgentDeployment.class).inNamespace(namespace).resource(d).create();
  }

  AgentDeployment get(String name) {
    return client().resources(AgentDeployment.class).inNamespace(namespace).withName(name).get();
  }

  /** Read-modify-write, again on a conflict with the operator's status writes. */
  void mutate(String name, Consumer<AgentDeployment> change) {
    for (int attempt = 0; ; attempt++) {
      AgentDeployment d = get(name);
      change.accept(d);
      try {
        client().resources(AgentDeployment.class).inNamespace(namespace).resource(d).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 20) {
          throw e;
        }
      }
    }
  }

  void setImage(String name, String image) {
    mutate(name, d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image));
  }

  /** Runs kubectl as admin in this namespace. */
  String kubectl(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "--namespace=" + namespace;
    System.arraycopy(args, 0, all, 1, args.length);
    return bed.kubectl(all);
  }

  List<Pod> pods(String name) {
    return client()
        .pods()
        .inNamespace(namespace)
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems();
  }

  /** Pods not being deleted. */
  List<Pod> livePods(String name) {
    return pods(name).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  List<String> images(String name) {
    return livePods(name).stream()
        .map(p -> p.getSpec().getContainers().get(0).getImage())
        .sorted()
        .toList();
  }

  List<ControllerRevision> revisions(String name) {
    return client()
        .apps()
        .controllerRevisions()
        .inNamespace(namespace)
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(ControllerRevision::getRevision))
        .toList();
  }

  List<Event> events() {
    return client().v1().events().inNamespace(namespace).list().getItems();
  }

  List<Event> events(String reason) {
    return events().stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  static Condition condition(AgentDeployment d, String type) {
    return d.getStatus() == null ? null : Conditions.find(d.getStatus().getConditions(), type);
  }

  /** Where to look when a wait fails. */
  String seeLog() {
    return operatorLog.get();
  }

  /** Retries {@code check} until it passes; a timeout names the operator's log. */
  void eventually(Duration atMost, String what, ThrowingRunnable check) {
    try {
      Awaitility.await(what)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .untilAsserted(check);
    } catch (ConditionTimeoutException e) {
      AssertionError failure =
          new AssertionError(what + " did not happen within " + atMost + "; " + seeLog(), e);
      try {
        check.run();
      } catch (Throwable last) {
        failure.addSuppressed(last);
      }
      throw failure;
    }
  }

  void awaitPhase(String name, String phase) {
    eventually(
        WAIT,
        name + " in rollout phase " + phase,
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

  /** Rolled out: {@code n} live pods, all ready, of the update revision, none left draining. */
  void awaitRolledOut(String name, int n) {
    eventually(
        WAIT, name + " rolled out to " + n + " ready workers", () -> assertRolledOut(name, n));
  }

  void assertRolledOut(String name, int n) {
    AgentDeployment d = get(name);
    assertThat(d.getStatus()).isNotNull();
    assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
    assertThat(d.getStatus().getRollout().getPhase()).isEqualTo(RolloutPhase.Completed.name());
    assertThat(pods(name)).hasSize(n);
    assertThat(d.getStatus().getReadyReplicas()).isEqualTo(n);
    String hash = d.getStatus().getUpdateRevision();
    assertThat(livePods(name))
        .allSatisfy(
            p ->
                assertThat(hash)
                    .endsWith(
                        "-" + p.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION)));
  }
}
