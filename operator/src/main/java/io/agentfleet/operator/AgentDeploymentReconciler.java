package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.autoscale.AutoscaleStep;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.config.OperatorConfig;
import io.agentfleet.operator.config.ReconcilerParts;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.placement.DispatchWatch;
import io.agentfleet.operator.revision.Revision;
import io.agentfleet.operator.revision.RevisionBook;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.revision.TemplateHash;
import io.agentfleet.operator.rollout.RollbackGuards;
import io.agentfleet.operator.rollout.RolloutPhase;
import io.agentfleet.operator.rollout.RolloutPlan;
import io.agentfleet.operator.rollout.RolloutPlanner;
import io.agentfleet.operator.rollout.RolloutStep;
import io.agentfleet.operator.spec.SpecCheck;
import io.agentfleet.operator.status.Conditions;
import io.agentfleet.operator.status.FleetView;
import io.agentfleet.operator.status.StatusAggregator;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.ConfigChecksum;
import io.agentfleet.operator.workers.MetadataOnlyStore;
import io.agentfleet.operator.workers.PodRenderer;
import io.agentfleet.operator.workers.WorkerLabels;
import io.agentfleet.operator.workers.WorkerPod;
import io.agentfleet.operator.workers.WorkerPods;
import io.agentfleet.operator.workerstatus.Observation;
import io.agentfleet.operator.workerstatus.StatusAddress;
import io.agentfleet.operator.workerstatus.StatusTarget;
import io.agentfleet.operator.workerstatus.WorkerStatusPoller;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
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
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reconciles an AgentDeployment into worker pods of its update revision, ControllerRevisions and
 * status: observe, plan with pure functions, apply, report.
 */
// Not generation-aware: the promote annotation must wake the reconciler, and an unchanged
// status writes nothing, so the extra reconciles cost only reads.
@ControllerConfiguration(
    name = AgentDeploymentReconciler.NAME,
    generationAwareEventProcessing = false)
public class AgentDeploymentReconciler implements Reconciler<AgentDeployment> {

  public static final String NAME = "agentdeployment";

  /** Reconciles finished, tagged by outcome ("ok" or the Degraded reason). */
  public static final String RECONCILES_METRIC = "agentfleet.reconciles";

  private static final Logger LOG = Logger.getLogger(AgentDeploymentReconciler.class);

  private final ReconcilerParts k8s;
  private final WorkerStatusPoller poller;
  private final AutoscaleStep autoscale;
  private final DispatchWatch dispatches;
  private final FleetMetrics fleetMetrics;
  private final MeterRegistry meters;
  private final OperatorConfig config;
  private InformerEventSource<Pod, AgentDeployment> podInformer;

  public AgentDeploymentReconciler(
      ReconcilerParts k8s,
      WorkerStatusPoller poller,
      AutoscaleStep autoscale,
      DispatchWatch dispatches,
      FleetMetrics fleetMetrics,
      MeterRegistry meters,
      OperatorConfig config) {
    this.k8s = k8s;
    this.poller = poller;
    this.autoscale = autoscale;
    this.dispatches = dispatches;
    this.fleetMetrics = fleetMetrics;
    this.meters = meters;
    this.config = config;
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
    SimpleInboundEventSource<AgentDeployment> workerStatus =
        new SimpleInboundEventSource<>("worker-status");
    poller.onMaterialChange(workerStatus::propagateEvent);
    poller.ownersStillExist(id -> context.getPrimaryCache().get(id).isPresent());
    // A rotated Secret or ConfigMap wakes the deployments whose pods read it at once, rather than
    // at the next resync: the new checksum makes a revision that rolls out with drain. The caches
    // keep metadata only; the checksum reads the few objects a deployment uses.
    InformerEventSource<Secret, AgentDeployment> secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, AgentDeployment.class)
                .withName("secrets")
                .withItemStore(MetadataOnlyStore.secrets())
                .withSecondaryToPrimaryMapper(s -> readersOf(context, s))
                .withNamespacesInheritedFromController()
                .build(),
            context);
    InformerEventSource<ConfigMap, AgentDeployment> configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, AgentDeployment.class)
                .withName("configmaps")
                .withItemStore(MetadataOnlyStore.configMaps())
                .withSecondaryToPrimaryMapper(c -> readersOf(context, c))
                .withNamespacesInheritedFromController()
                .build(),
            context);
    return List.of(podInformer, workerStatus, secrets, configMaps);
  }

  private static Set<ResourceID> readersOf(
      EventSourceContext<AgentDeployment> context, HasMetadata object) {
    return context
        .getPrimaryCache()
        .list(object.getMetadata().getNamespace())
        .filter(d -> d.getSpec() != null && ConfigChecksum.refs(d.getSpec()).include(object))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<AgentDeployment> reconcile(
      AgentDeployment deployment, Context<AgentDeployment> context) {
    String key = AutoscaleStep.key(deployment);
    MDC.put("resource", key);
    MDC.put("generation", String.valueOf(deployment.getMetadata().getGeneration()));
    Instant now = Instant.now(k8s.clock());
    List<WorkerPod> workers = List.of();
    try {
      List<Pod> pods = observePods(deployment, context);
      workers = withReports(deployment, pods);
      UpdateRevision previous = previousUpdate(deployment.getStatus());

      List<String> problems = SpecCheck.problems(deployment);
      if (!problems.isEmpty()) {
        return finish(
            deployment,
            FleetView.of(workers, previous.name(), previous.hash()),
            new Trouble(EventReason.InvalidSpec.name(), String.join("; ", problems)),
            null);
      }
      Optional<Trouble> secretTrouble = k8s.credentials().check(deployment);
      if (secretTrouble.isPresent()) {
        return finish(
            deployment,
            FleetView.of(workers, previous.name(), previous.hash()),
            secretTrouble.get(),
            k8s.backoff().next(key));
      }

      String checksum =
          k8s.checksum().of(deployment.getMetadata().getNamespace(), deployment.getSpec());
      PodTemplateSpec effective = PodRenderer.effectiveTemplate(deployment, checksum);
      String hash = TemplateHash.of(effective);
      RevisionBook book = k8s.revisions().record(deployment, hash, workers);
      Revision update = book.update();

      // Calls the LiveKit server could not place: demand, and dispatched again once a worker can
      // take them, autoscaled or not.
      int waiting = dispatches.waiting(deployment, workers, now);
      Optional<ScaleDecision> scaling = Optional.empty();
      if (deployment.getSpec().autoscaled()) {
        try {
          scaling = Optional.of(autoscale.apply(deployment, workers, waiting, now));
        } catch (IllegalArgumentException e) {
          return finish(
              deployment,
              FleetView.of(workers, update.name(), hash),
              new Trouble(EventReason.InvalidSpec.name(), e.getMessage()),
              null);
        }
      } else {
        autoscale.forget(deployment);
      }
      Optional<Instant> scaledAt = scaling.filter(ScaleDecision::changes).map(d -> now);

      RolloutPlan plan =
          RolloutPlanner.plan(RolloutStep.input(deployment, hash, workers, book, now));
      String stable = RolloutStep.stableRevision(deployment);
      Optional<String> rollback =
          RollbackGuards.shouldRollBack(
              deployment.getSpec().getRollback(),
              plan,
              workers,
              hash,
              stable,
              RevisionStep.hashOf(stable));
      if (rollback.isPresent()) {
        k8s.rollback().rollBack(deployment, update.name(), stable, rollback.get());
        RolloutPlan rolledBack =
            new RolloutPlan(
                0,
                List.of(),
                RolloutPhase.RolledBack,
                plan.state(),
                plan.weight(),
                false,
                plan.deadlineExceeded(),
                "rolled back to " + stable + ": " + rollback.get());
        return finish(
            deployment,
            new FleetView(
                workers,
                update.name(),
                hash,
                scaling,
                scaledAt,
                Optional.of(rolledBack),
                stable,
                rollback),
            null,
            Duration.ofSeconds(1));
      }

      workers =
          k8s.writer()
              .apply(
                  deployment,
                  effective,
                  hash,
                  plan,
                  workers,
                  created ->
                      podInformer.handleRecentResourceCreate(
                          ResourceID.fromResource(created), created));
      k8s.rollouts().reportProgress(deployment, plan, update);
      Map<String, WorkerPod> byName = new LinkedHashMap<>();
      workers.forEach(w -> byName.put(w.name(), w));
      k8s.writer().markEvictability(deployment, pods, byName);

      k8s.backoff().reset(key);
      List<String> warnings = SpecCheck.warnings(deployment.getSpec());
      Trouble warning =
          warnings.isEmpty()
              ? null
              : new Trouble(
                  EventReason.GracePeriodShorterThanDrain.name(), String.join("; ", warnings));
      boolean completed = plan.phase() == RolloutPhase.Completed;
      Duration resync =
          deployment.getSpec().autoscaled() || !completed || waiting > 0
              ? config.autoscaleResync()
              : null;
      return finish(
          deployment,
          new FleetView(
              workers,
              update.name(),
              hash,
              scaling,
              scaledAt,
              Optional.of(plan),
              completed && !book.blocked() ? update.name() : null,
              Optional.empty()),
          warning,
          resync);
    } catch (KubernetesClientException e) {
      LOG.warnf("API error while reconciling %s: %s", key, e.getMessage());
      UpdateRevision previous = previousUpdate(deployment.getStatus());
      return finish(
          deployment,
          FleetView.of(workers, previous.name(), previous.hash()),
          new Trouble(EventReason.ApiError.name(), "Kubernetes API error: " + e.getMessage()),
          k8s.backoff().next(key));
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
    if (isStale(e)) {
      // The status was computed from a version someone has changed since (a kubectl scale, an
      // edit) or deleted: nothing is wrong; a change's own event reconciles again at once.
      LOG.debugf("status of %s is stale: %s", AutoscaleStep.key(deployment), e.getMessage());
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    LOG.errorf(e, "reconcile of %s failed", AutoscaleStep.key(deployment));
    Trouble trouble =
        new Trouble(EventReason.ReconcileError.name(), String.valueOf(e.getMessage()));
    reportTroubleChange(deployment, Optional.of(trouble));
    UpdateRevision previous = previousUpdate(deployment.getStatus());
    List<WorkerPod> workers;
    try {
      workers = withReports(deployment, observePods(deployment, context));
    } catch (RuntimeException ignored) {
      workers = List.of();
    }
    deployment.setStatus(
        StatusAggregator.compute(
            deployment,
            FleetView.of(workers, previous.name(), previous.hash()),
            Optional.of(trouble),
            Instant.now(k8s.clock())));
    return ErrorStatusUpdateControl.patchStatus(deployment);
  }

  /** A conflict (409, not AlreadyExists) or the deployment gone (404) when writing its status. */
  private static boolean isStale(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        String reason = k.getStatus() == null ? null : k.getStatus().getReason();
        if (k.getCode() == 404 || (k.getCode() == 409 && !"AlreadyExists".equals(reason))) {
          return true;
        }
      }
    }
    return false;
  }

  private record UpdateRevision(String name, String hash) {}

  private static UpdateRevision previousUpdate(AgentDeploymentStatus previous) {
    if (previous == null || previous.getUpdateRevision() == null) {
      return new UpdateRevision(null, null);
    }
    String name = previous.getUpdateRevision();
    return new UpdateRevision(name, name.substring(name.lastIndexOf('-') + 1));
  }

  private List<Pod> observePods(AgentDeployment deployment, Context<AgentDeployment> context) {
    return k8s.writer()
        .withoutRecentlyDeleted(
            deployment.getMetadata().getNamespace(), context.getSecondaryResources(Pod.class));
  }

  /** Tracks the pods' status endpoints and joins each pod with its worker's latest report. */
  private List<WorkerPod> withReports(AgentDeployment deployment, List<Pod> pods) {
    List<StatusTarget> targets = new ArrayList<>();
    List<WorkerPod> workers = new ArrayList<>();
    var format =
        deployment.getSpec() == null || deployment.getSpec().getWorkerStatus() == null
            ? io.agentfleet.api.v1alpha1.WorkerStatusFormat.AUTO
            : deployment.getSpec().getWorkerStatus().getFormat();
    for (Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      if (deployment.getSpec() != null) {
        StatusAddress.workerUrl(deployment, pod, config.statusAddressAnnotation())
            .ifPresent(
                url ->
                    targets.add(new StatusTarget(uid, pod.getMetadata().getName(), url, format)));
      }
      workers.add(
          WorkerPods.of(
              pod,
              poller.latest(uid).flatMap(Observation::report).orElse(null),
              format,
              Instant.now(k8s.clock())));
    }
    poller.track(ResourceID.fromResource(deployment), targets);
    return workers;
  }

  private UpdateControl<AgentDeployment> finish(
      AgentDeployment deployment, FleetView view, Trouble trouble, Duration retryAfter) {
    reportTroubleChange(deployment, Optional.ofNullable(trouble));
    AgentDeploymentStatus status =
        StatusAggregator.compute(
            deployment, view, Optional.ofNullable(trouble), Instant.now(k8s.clock()));
    fleetMetrics.record(deployment, status, view.pods());
    meters
        .counter(RECONCILES_METRIC, "outcome", trouble == null ? "ok" : trouble.reason())
        .increment();
    UpdateControl<AgentDeployment> control;
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
        k8s.events().warning(deployment, reasonOf(t), t.message());
      }
    } else if (wasDegraded) {
      k8s.events()
          .normal(deployment, EventReason.Recovered, "Recovered from " + before.getReason());
    }
  }

  private static EventReason reasonOf(Trouble trouble) {
    try {
      return EventReason.valueOf(trouble.reason());
    } catch (IllegalArgumentException e) {
      return EventReason.ApiError;
    }
  }
}
