package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/** Carries out a {@link RolloutPlan}: pod creations and deletions, one Event each. */
public final class FleetWriter {

  private static final Logger LOG = Logger.getLogger(FleetWriter.class);

  /** Cluster autoscaler must not evict a worker that is carrying calls. */
  public static final String SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

  /**
   * What a controller scaling pods down (a ReplicaSet, a user's own tooling) weighs: lower goes
   * first. Set to the worker's calls, so idle workers go before busy ones.
   */
  public static final String POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  private final KubernetesClient client;
  private final EventRecorder events;
  private final RecentDeletions recentDeletions;
  private final RandomGenerator random;
  private final DisruptionBudgets budgets;

  public FleetWriter(
      KubernetesClient client,
      EventRecorder events,
      RecentDeletions recentDeletions,
      RandomGenerator random) {
    this.client = client;
    this.events = events;
    this.recentDeletions = recentDeletions;
    this.random = random;
    this.budgets = new DisruptionBudgets(client);
  }

  /**
   * @param created told of every pod created, so the informer cache can hold it before the watch
   *     event arrives
   * @return the fleet as it is after the writes
   */
  public List<WorkerPod> apply(
      AgentDeployment deployment,
      PodTemplateSpec effective,
      String hash,
      PodChanges changes,
      List<WorkerPod> pods,
      Consumer<Pod> created) {
    if (changes.none()) {
      return pods;
    }
    String namespace = deployment.getMetadata().getNamespace();
    LOG.info(changes.why());
    List<WorkerPod> after = new ArrayList<>(pods);
    // Drains before creations: the plan sized its creations for the fleet after its removals, so
    // creating first would hold one worker more than maxSurge allows until the drains are sent,
    // and leave it so if the operator died in between.
    for (WorkerPod victim : changes.remove()) {
      client.pods().inNamespace(namespace).withName(victim.name()).delete();
      recentDeletions.record(namespace, victim.name());
      after.remove(victim);
      String calls = victim.known() ? victim.activeJobs() + " calls" : "status unknown";
      events.normal(
          deployment,
          EventReason.SuccessfulDelete,
          "Draining worker pod %s (%s; %s)".formatted(victim.name(), calls, changes.why()));
    }
    for (int i = 0; i < changes.create(); i++) {
      String name = PodNames.next(deployment.getMetadata().getName(), hash, random);
      Pod pod = create(deployment, PodRenderer.pod(deployment, effective, hash, name));
      created.accept(pod);
      after.add(WorkerPods.of(pod));
      events.normal(deployment, EventReason.SuccessfulCreate, "Created worker pod " + name);
    }
    return after;
  }

  /**
   * A creation whose answer was lost (a 5xx after the API server stored the pod) is sent again by
   * the client and answered 409 AlreadyExists. The pod of that name this deployment owns is the one
   * just created, not an error: taking it as one would report Degraded for a write that succeeded.
   */
  private Pod create(AgentDeployment deployment, Pod rendered) {
    String namespace = deployment.getMetadata().getNamespace();
    try {
      return client.pods().inNamespace(namespace).resource(rendered).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // A list narrowed to the one name reads it fresh without the get verb, which nothing else
      // needs: the informers list and watch, and every other write names the cached pod.
      Pod existing =
          client
              .pods()
              .inNamespace(namespace)
              .withField("metadata.name", rendered.getMetadata().getName())
              .list()
              .getItems()
              .stream()
              .findFirst()
              .orElse(null);
      if (existing == null || !ownedBy(existing, deployment)) {
        throw e;
      }
      LOG.infof(
          "pod %s was already created (an earlier answer was lost)",
          existing.getMetadata().getName());
      return existing;
    }
  }

  private static boolean ownedBy(Pod pod, AgentDeployment deployment) {
    String uid = deployment.getMetadata().getUid();
    return uid != null
        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  /**
   * Pods this operator deleted whose deletion the informer has not shown yet must not count as
   * capacity. Once the cache shows a pod Terminating (or gone), it speaks for itself: a draining
   * pod stays in the fleet as draining until it exits.
   */
  public List<Pod> withoutRecentlyDeleted(String namespace, Collection<Pod> cached) {
    Set<String> stillLive = new HashSet<>();
    cached.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .forEach(p -> stillLive.add(p.getMetadata().getName()));
    recentDeletions.forgetUnlessSeen(namespace, stillLive);
    return cached.stream()
        .filter(
            p ->
                p.getMetadata().getDeletionTimestamp() != null
                    || !recentDeletions.contains(namespace, p.getMetadata().getName()))
        .toList();
  }

  /**
   * Keeps {@value #SAFE_TO_EVICT} in line with what each worker reports: "false" while it has
   * calls, "true" when idle; {@value #POD_DELETION_COST} at its number of calls; and the label
   * {@link DisruptionBudgets#BUSY} its disruption budget selects. All are left alone while its
   * status is unknown, and written only on change.
   */
  public void markEvictability(
      AgentDeployment deployment,
      List<Pod> pods,
      Map<String, WorkerPod> workers,
      Optional<PodDisruptionBudget> budget) {
    // The budget that keeps evictions off the pods labelled busy below.
    budgets.apply(deployment, budget);
    String namespace = deployment.getMetadata().getNamespace();
    for (Pod pod : pods) {
      WorkerPod worker = workers.get(pod.getMetadata().getName());
      if (worker == null || !worker.known() || !worker.live()) {
        continue;
      }
      String wanted = worker.activeJobs() > 0 ? "false" : "true";
      String cost = Integer.toString(worker.activeJobs());
      String busy = worker.activeJobs() > 0 ? "true" : "false";
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (annotations != null
          && wanted.equals(annotations.get(SAFE_TO_EVICT))
          && cost.equals(annotations.get(POD_DELETION_COST))
          && labels != null
          && busy.equals(labels.get(DisruptionBudgets.BUSY))) {
        continue;
      }
      try {
        // A merge patch of just these keys: no read before it, and nothing else of the pod (the
        // kubelet writes its status meanwhile) can be overwritten or conflict.
        Map<String, Object> metadata =
            Map.of(
                "annotations",
                Map.of(SAFE_TO_EVICT, wanted, POD_DELETION_COST, cost),
                "labels",
                Map.of(DisruptionBudgets.BUSY, busy));
        // Named by the cached pod, not by its name alone: by name the client reads the pod first.
        client
            .pods()
            .inNamespace(namespace)
            .resource(pod)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("metadata", metadata)));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 && e.getCode() != 409) {
          // Anything but a pod going away or changing meanwhile (a refused patch, say) makes the
          // reconcile fail like any other API error: Degraded, an Event, a retry.
          throw e;
        }
        // The next reconcile tries again.
        LOG.debugf("could not annotate %s: %s", pod.getMetadata().getName(), e.getMessage());
      }
    }
  }
}
