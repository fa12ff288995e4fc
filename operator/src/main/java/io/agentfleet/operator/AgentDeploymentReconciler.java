package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.revision.ControllerRevisions;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.RevisionHistory;
import io.agentfleet.operator.revision.RevisionPlan;
import io.agentfleet.operator.revision.TemplateHash;
import io.agentfleet.operator.spec.SpecCheck;
import io.agentfleet.operator.status.Conditions;
import io.agentfleet.operator.status.StatusAggregator;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.FleetPlan;
import io.agentfleet.operator.workers.FleetPlanner;
import io.agentfleet.operator.workers.PodNames;
import io.agentfleet.operator.workers.PodRenderer;
import io.agentfleet.operator.workers.RecentDeletions;
import io.agentfleet.operator.workers.WorkerLabels;
import io.agentfleet.operator.workers.WorkerPod;
import io.agentfleet.operator.workers.WorkerPods;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reconciles an AgentDeployment into worker pods of its update revision, ControllerRevisions and
 * status. Observe, plan with pure functions, apply, report.
 */
@ControllerConfiguration(name = AgentDeploymentReconciler.NAME)
public class AgentDeploymentReconciler implements Reconciler<AgentDeployment> {

  public static final String NAME = "agentdeployment";

  /** Reconciles finished, tagged by outcome ("ok" or the Degraded reason). */
  public static final String RECONCILES_METRIC = "agentfleet.reconciles";

  private static final Logger LOG = Logger.getLogger(AgentDeploymentReconciler.class);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final ControllerRevisions revisions;
  private final RecentDeletions recentDeletions;
  private final RetryBackoff backoff;
  private final Clock clock;
  private final MeterRegistry meters;
  private final RandomGenerator random = new SecureRandom();
  private InformerEventSource<Pod, AgentDeployment> podInformer;

  public AgentDeploymentReconciler(
      KubernetesClient client,
      EventRecorder events,
      ControllerRevisions revisions,
      RecentDeletions recentDeletions,
      RetryBackoff backoff,
      Clock clock,
      MeterRegistry meters) {
    this.client = client;
    this.events = events;
    this.revisions = revisions;
    this.recentDeletions = recentDeletions;
    this.backoff = backoff;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public List<EventSource<?, AgentDeployment>> prepareEventSources(
      EventSourceContext<AgentDeployment> context) {
    podInformer =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, AgentDeployment.class)
                .withLabelSelector(WorkerLabels.DEPLOYMENT)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    return List.of(podInformer);
  }

  @Override
  public UpdateControl<AgentDeployment> reconcile(
      AgentDeployment deployment, Context<AgentDeployment> context) {
    String key = key(deployment);
    MDC.put("resource", key);
    MDC.put("generation", String.valueOf(deployment.getMetadata().getGeneration()));
    try {
      List<WorkerPod> pods = observePods(deployment, context);
      AgentDeploymentStatus previous = deployment.getStatus();

      List<String> problems = SpecCheck.problems(deployment.getSpec());
      if (!problems.isEmpty()) {
        String message = String.join("; ", problems);
        return finish(
            deployment, pods, previousUpdate(previous), new Trouble("InvalidSpec", message), null);
      }

      PodTemplateSpec effective = PodRenderer.effectiveTemplate(deployment);
      String hash = TemplateHash.of(effective);
      Revision update = recordRevision(deployment, hash, pods, previous);
      String updateName = update.name();

      Optional<Trouble> secretTrouble = checkCredentials(deployment);
      if (secretTrouble.isPresent()) {
        return finish(
            deployment,
            pods,
            new UpdateRevision(updateName, hash),
            secretTrouble.get(),
            backoff.next(key));
      }

      if (!Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
        FleetPlan plan = FleetPlanner.plan(deployment.getSpec().getReplicas(), hash, pods);
        pods = applyFleetPlan(deployment, effective, hash, plan, pods);
      }
      backoff.reset(key);
      return finish(deployment, pods, new UpdateRevision(updateName, hash), null, null);
    } catch (KubernetesClientException e) {
      LOG.warnf("API error while reconciling %s: %s", key, e.getMessage());
      return finish(
          deployment,
          safeObserve(deployment, context),
          previousUpdate(deployment.getStatus()),
          new Trouble("ApiError", "Kubernetes API error: " + e.getMessage()),
          backoff.next(key));
    } finally {
      MDC.remove("resource");
      MDC.remove("generation");
    }
  }

  /**
   * Anything thrown out of reconcile lands here: record it as Degraded and let the SDK retry with
   * its backoff; the exception is not rethrown in a loop.
   */
  @Override
  public ErrorStatusUpdateControl<AgentDeployment> updateErrorStatus(
      AgentDeployment deployment, Context<AgentDeployment> context, Exception e) {
    LOG.errorf(e, "reconcile of %s failed", key(deployment));
    AgentDeploymentStatus status =
        StatusAggregator.compute(
            deployment,
            safeObserve(deployment, context),
            previousUpdate(deployment.getStatus()).name(),
            previousUpdate(deployment.getStatus()).hash(),
            Optional.of(new Trouble("ReconcileError", String.valueOf(e.getMessage()))),
            Instant.now(clock));
    reportTroubleChange(
        deployment, Optional.of(new Trouble("ReconcileError", String.valueOf(e.getMessage()))));
    deployment.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(deployment);
  }

  private record UpdateRevision(String name, String hash) {}

  private static UpdateRevision previousUpdate(AgentDeploymentStatus previous) {
    if (previous == null || previous.getUpdateRevision() == null) {
      return new UpdateRevision(null, null);
    }
    String name = previous.getUpdateRevision();
    return new UpdateRevision(name, name.substring(name.lastIndexOf('-') + 1));
  }

  private List<WorkerPod> observePods(
      AgentDeployment deployment, Context<AgentDeployment> context) {
    String namespace = deployment.getMetadata().getNamespace();
    Set<Pod> cached = context.getSecondaryResources(Pod.class);
    Set<String> seen =
        cached.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    recentDeletions.forgetUnlessSeen(namespace, seen);
    return cached.stream()
        .filter(p -> !recentDeletions.contains(namespace, p.getMetadata().getName()))
        .map(WorkerPods::of)
        .toList();
  }

  private List<WorkerPod> safeObserve(
      AgentDeployment deployment, Context<AgentDeployment> context) {
    try {
      return observePods(deployment, context);
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private Revision recordRevision(
      AgentDeployment deployment,
      String hash,
      List<WorkerPod> pods,
      AgentDeploymentStatus previous) {
    String name = deployment.getMetadata().getName();
    Set<String> inUse = new HashSet<>();
    pods.forEach(p -> inUse.add(p.revision()));
    if (previous != null && previous.getCurrentRevision() != null) {
      String current = previous.getCurrentRevision();
      inUse.add(current.substring(current.lastIndexOf('-') + 1));
    }
    RevisionPlan plan =
        RevisionHistory.plan(
            ControllerRevisions.revisions(revisions.list(deployment)),
            hash,
            PodNames.revision(name, hash),
            inUse,
            deployment.getSpec().getRevisionHistoryLimit() == null
                ? 10
                : deployment.getSpec().getRevisionHistoryLimit());
    plan.create()
        .ifPresent(
            r -> {
              revisions.create(deployment, r, deployment.getSpec().getTemplate());
              events.normal(
                  deployment,
                  EventReason.NewRevision,
                  "Created revision %d (%s)".formatted(r.number(), r.name()));
            });
    plan.renumber()
        .ifPresent(
            r -> {
              revisions.renumber(deployment, r);
              events.normal(
                  deployment,
                  EventReason.NewRevision,
                  "Template of %s is back: it is now revision %d".formatted(r.name(), r.number()));
            });
    if (!plan.prune().isEmpty()) {
      plan.prune().forEach(r -> revisions.delete(deployment, r));
      events.normal(
          deployment,
          EventReason.RevisionsPruned,
          "Pruned revisions %s (revisionHistoryLimit)"
              .formatted(plan.prune().stream().map(r -> Long.toString(r.number())).toList()));
    }
    return plan.update();
  }

  private Optional<Trouble> checkCredentials(AgentDeployment deployment) {
    String name = deployment.getSpec().getLivekit().getCredentialsSecret();
    Secret secret =
        client.secrets().inNamespace(deployment.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      return Optional.of(
          new Trouble(
              EventReason.CredentialsSecretMissing.name(),
              "Secret %s not found: spec.livekit.credentialsSecret must name a Secret with keys %s and %s"
                  .formatted(
                      name, PodRenderer.SECRET_KEY_API_KEY, PodRenderer.SECRET_KEY_API_SECRET)));
    }
    List<String> missing = new ArrayList<>();
    for (String k : List.of(PodRenderer.SECRET_KEY_API_KEY, PodRenderer.SECRET_KEY_API_SECRET)) {
      boolean inData = secret.getData() != null && secret.getData().containsKey(k);
      boolean inStringData =
          secret.getStringData() != null && secret.getStringData().containsKey(k);
      if (!inData && !inStringData) {
        missing.add(k);
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of(
          new Trouble(
              EventReason.CredentialsSecretMissing.name(),
              "Secret %s lacks key(s) %s".formatted(name, missing)));
    }
    return Optional.empty();
  }

  private List<WorkerPod> applyFleetPlan(
      AgentDeployment deployment,
      PodTemplateSpec effective,
      String hash,
      FleetPlan plan,
      List<WorkerPod> pods) {
    if (plan.changesNothing()) {
      return pods;
    }
    LOG.infof("%s: %s", key(deployment), plan.reason());
    List<WorkerPod> after = new ArrayList<>(pods);
    String namespace = deployment.getMetadata().getNamespace();
    for (int i = 0; i < plan.create(); i++) {
      String name = PodNames.next(deployment.getMetadata().getName(), hash, random);
      Pod created =
          client
              .pods()
              .inNamespace(namespace)
              .resource(PodRenderer.pod(deployment, effective, hash, name))
              .create();
      podInformer.handleRecentResourceCreate(ResourceID.fromResource(created), created);
      after.add(WorkerPods.of(created));
      events.normal(deployment, EventReason.SuccessfulCreate, "Created worker pod " + name);
    }
    for (WorkerPod victim : plan.remove()) {
      client.pods().inNamespace(namespace).withName(victim.name()).delete();
      recentDeletions.record(namespace, victim.name());
      after.remove(victim);
      events.normal(
          deployment,
          EventReason.SuccessfulDelete,
          "Deleted worker pod %s (%s)".formatted(victim.name(), plan.reason()));
    }
    return after;
  }

  private UpdateControl<AgentDeployment> finish(
      AgentDeployment deployment,
      List<WorkerPod> pods,
      UpdateRevision update,
      Trouble trouble,
      Duration retryAfter) {
    reportTroubleChange(deployment, Optional.ofNullable(trouble));
    AgentDeploymentStatus status =
        StatusAggregator.compute(
            deployment,
            pods,
            update.name(),
            update.hash(),
            Optional.ofNullable(trouble),
            Instant.now(clock));
    UpdateControl<AgentDeployment> control;
    String outcome = trouble == null ? "ok" : trouble.reason();
    meters.counter(RECONCILES_METRIC, "outcome", outcome).increment();
    if (status.equals(deployment.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      deployment.setStatus(status);
      control = UpdateControl.patchStatus(deployment);
    }
    return retryAfter == null ? control : control.rescheduleAfter(retryAfter);
  }

  /** An Event when a problem appears or changes, and one when it clears; none while it lasts. */
  private void reportTroubleChange(AgentDeployment deployment, Optional<Trouble> trouble) {
    Condition before =
        deployment.getStatus() == null
            ? null
            : Conditions.find(deployment.getStatus().getConditions(), Conditions.DEGRADED);
    boolean wasDegraded = before != null && "True".equals(before.getStatus());
    if (trouble.isPresent()) {
      Trouble t = trouble.get();
      if (!wasDegraded
          || !t.reason().equals(before.getReason())
          || !t.message().equals(before.getMessage())) {
        events.warning(deployment, reasonOf(t), t.message());
      }
    } else if (wasDegraded) {
      events.normal(deployment, EventReason.Recovered, "Recovered from " + before.getReason());
    }
  }

  private static EventReason reasonOf(Trouble trouble) {
    try {
      return EventReason.valueOf(trouble.reason());
    } catch (IllegalArgumentException e) {
      return EventReason.ApiError;
    }
  }

  private static String key(AgentDeployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }
}
