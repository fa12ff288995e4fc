package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.WorkerStatusEndpoint;
import io.agentfleet.operator.config.OperatorConfig;
import io.agentfleet.operator.configdata.MetadataOnlyStore;
import io.agentfleet.operator.dashboard.Board;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.fleetplan.FleetPlan;
import io.agentfleet.operator.fleetplan.FleetPlan.Resync;
import io.agentfleet.operator.fleetplan.FleetPlanner;
import io.agentfleet.operator.fleetplan.Snapshot;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.placement.DispatchWatch;
import io.agentfleet.operator.redispatch.RedispatchStep;
import io.agentfleet.operator.revision.RevisionStep;
import io.agentfleet.operator.spec.SpecCheck;
import io.agentfleet.operator.status.Conditions;
import io.agentfleet.operator.status.FleetView;
import io.agentfleet.operator.status.StatusAggregator;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.ConfigChecksum;
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
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
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
import io.micrometer.core.instrument.Timer;
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

  /** How long one reconcile took, as a histogram (buckets from 1 ms to 30 s). */
  public static final String RECONCILE_DURATION_METRIC = "agentfleet.reconcile.duration";

  private static final Logger LOG = Logger.getLogger(AgentDeploymentReconciler.class);

  /** After a rollback, soon: the restored template makes the next revision step. */
  private static final Duration ROLLBACK_RESYNC = Duration.ofSeconds(1);

  private final ReconcilerParts k8s;
  private final WorkerStatusPoller poller;
  private final AutoscaleStep autoscale;
  private final DispatchWatch dispatches;
  private final RedispatchStep redispatch;
  private final FleetMetrics fleetMetrics;
  private final Board board;
  private final MeterRegistry meters;
  private final OperatorConfig config;
  private final Timer reconcileDuration;
  private InformerEventSource<Pod, AgentDeployment> podInformer;
  private InformerEventSource<ControllerRevision, AgentDeployment> revisionInformer;

  public AgentDeploymentReconciler(
      ReconcilerParts k8s,
      WorkerStatusPoller poller,
      AutoscaleStep autoscale,
      DispatchWatch dispatches,
      RedispatchStep redispatch,
      FleetMetrics fleetMetrics,
      Board board,
      MeterRegistry meters,
      OperatorConfig config) {
    this.k8s = k8s;
    this.poller = poller;
    this.autoscale = autoscale;
    this.dispatches = dispatches;
    this.redispatch = redispatch;
    this.fleetMetrics = fleetMetrics;
    this.board = board;
    this.meters = meters;
    this.config = config;
    this.reconcileDuration =
        Timer.builder(RECONCILE_DURATION_METRIC)
            .description("Time one reconcile took")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(meters);
  }

  @Override
  public List<EventSource<?, AgentDeployment>> prepareEventSources(
      EventSourceContext<AgentDeployment> context) {
    podInformer =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, AgentDeployment.class)
                .withLabelSelector(AgentDeploymentLabels.DEPLOYMENT)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    SimpleInboundEventSource<AgentDeployment> workerStatus =
        new SimpleInboundEventSource<>("worker-status");
    poller.onMaterialChange(workerStatus::propagateEvent);
    poller.ownersStillExist(id -> context.getPrimaryCache().get(id).isPresent());
    revisionInformer =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ControllerRevision.class, AgentDeployment.class)
                .withName("revisions")
                .withLabelSelector(AgentDeploymentLabels.DEPLOYMENT)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    board.revisionsFrom(revisionInformer::getSecondaryResources);
    // An agent lost in a room wakes at once the deployments that re-dispatch.
    SimpleInboundEventSource<AgentDeployment> agentLost =
        new SimpleInboundEventSource<>("agent-lost");
    redispatch.onWake(
        () ->
            context
                .getPrimaryCache()
                .list(d -> d.getSpec() != null && d.getSpec().redispatchEnabled())
                .forEach(d -> agentLost.propagateEvent(ResourceID.fromResource(d))));
    // A rotated Secret or ConfigMap wakes the deployments whose pods read it at once, rather than
    // at the next resync: the new checksum makes a revision that rolls out with drain. The caches
    // keep metadata only; the content of the few objects a deployment uses is read again only
    // when their resourceVersion moves.
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
    // The disruption budget: written only when it differs, and put back when somebody deletes it.
    InformerEventSource<PodDisruptionBudget, AgentDeployment> budgets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(PodDisruptionBudget.class, AgentDeployment.class)
                .withName("disruption-budgets")
                .withLabelSelector(AgentDeploymentLabels.DEPLOYMENT)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    k8s.config().secrets().watchedBy(secrets::get);
    k8s.config().configMaps().watchedBy(configMaps::get);
    return List.of(
        podInformer, revisionInformer, workerStatus, agentLost, secrets, configMaps, budgets);
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

  /**
   * Observe, plan, apply, report. A Kubernetes API error goes to the controller's retry, with
   * backoff, and {@link #updateErrorStatus} records it.
   */
  @Override
  public UpdateControl<AgentDeployment> reconcile(
      AgentDeployment deployment, Context<AgentDeployment> context) {
    MDC.put("resource", AutoscaleStep.key(deployment));
    MDC.put("generation", String.valueOf(deployment.getMetadata().getGeneration()));
    Timer.Sample started = Timer.start(meters);
    try {
      Snapshot snapshot = observe(deployment, context);
      FleetPlan plan = FleetPlanner.plan(snapshot);
      List<WorkerPod> fleet = plan.writes().map(w -> apply(snapshot, w)).orElse(snapshot.workers());
      if (snapshot.reads().isPresent()) {
        // Every pod the informer holds, the operator's own deletions too: a worker that vanished
        // while not being deleted died.
        redispatch.run(deployment, List.copyOf(context.getSecondaryResources(Pod.class)));
      }
      return report(deployment, plan.view().withPods(fleet), plan.trouble(), plan.resync());
    } finally {
      started.stop(reconcileDuration);
      MDC.remove("resource");
      MDC.remove("generation");
    }
  }

  /** Reads once what the plan decides from; an unusable spec names nothing more to read. */
  private Snapshot observe(AgentDeployment deployment, Context<AgentDeployment> context) {
    Instant now = Instant.now(k8s.clock());
    List<Pod> pods = observedPods(deployment, context);
    List<WorkerPod> workers = withReports(deployment, pods, now);
    List<String> problems = SpecCheck.problems(deployment);
    Optional<Trouble> credentials =
        problems.isEmpty() ? k8s.credentials().check(deployment) : Optional.empty();
    Optional<Snapshot.Reads> reads = Optional.empty();
    if (problems.isEmpty() && credentials.isEmpty()) {
      reads =
          Optional.of(
              new Snapshot.Reads(
                  k8s.checksum().of(deployment.getMetadata().getNamespace(), deployment.getSpec()),
                  RevisionStep.stored(context.getSecondaryResources(ControllerRevision.class)),
                  dispatches.observe(deployment, now),
                  autoscale.expectedCalls(deployment, now),
                  autoscale.history(deployment),
                  context.getSecondaryResource(PodDisruptionBudget.class)));
    }
    return new Snapshot(deployment, pods, workers, problems, credentials, reads, now);
  }

  /**
   * Carries out the plan's writes in their order: the size, the revisions, dispatches made again,
   * then the rollback or the pods and their eviction marks.
   *
   * @return the fleet after the writes
   */
  private List<WorkerPod> apply(Snapshot snapshot, FleetPlan.Writes writes) {
    AgentDeployment deployment = snapshot.deployment();
    writes
        .scaling()
        .ifPresentOrElse(
            decision -> autoscale.write(deployment, decision),
            () ->
                autoscale.forget(
                    deployment.getMetadata().getNamespace(),
                    deployment.getMetadata().getName(),
                    deployment.getMetadata().getUid()));
    k8s.revisions()
        .apply(
            deployment,
            writes.revisions(),
            created ->
                revisionInformer.handleRecentResourceCreate(
                    ResourceID.fromResource(created), created));
    dispatches.reoffer(deployment, writes.placement());
    if (writes.rollback().isPresent()) {
      k8s.rollback()
          .rollBack(
              deployment, writes.update().name(), writes.stableRevision(), writes.rollback().get());
      return snapshot.workers();
    }
    List<WorkerPod> fleet =
        k8s.writer()
            .apply(
                deployment,
                writes.effective(),
                writes.hash(),
                writes.rollout().podChanges(),
                snapshot.workers(),
                created ->
                    podInformer.handleRecentResourceCreate(
                        ResourceID.fromResource(created), created));
    k8s.rollouts().reportProgress(deployment, writes.rollout(), writes.update());
    Map<String, WorkerPod> byName = new LinkedHashMap<>();
    fleet.forEach(w -> byName.put(w.name(), w));
    k8s.writer()
        .markEvictability(
            deployment, snapshot.pods(), byName, snapshot.reads().flatMap(r -> r.budget()));
    return fleet;
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
    Trouble trouble;
    Optional<KubernetesClientException> api = apiError(e);
    if (api.isPresent()) {
      // The API server refused a write (an invalid template, a quota, RBAC) or could not be
      // reached: the controller retries with backoff; the cause is the status, not a stack trace.
      LOG.warnf(
          "API error while reconciling %s: %s",
          AutoscaleStep.key(deployment), api.get().getMessage());
      trouble =
          new Trouble(
              EventReason.ApiError.name(), "Kubernetes API error: " + api.get().getMessage());
    } else {
      LOG.errorf(e, "reconcile of %s failed", AutoscaleStep.key(deployment));
      trouble = new Trouble(EventReason.ReconcileError.name(), String.valueOf(e.getMessage()));
    }
    reportTroubleChange(deployment, Optional.of(trouble));
    Instant now = Instant.now(k8s.clock());
    List<WorkerPod> workers;
    try {
      workers = withReports(deployment, observedPods(deployment, context), now);
    } catch (RuntimeException ignored) {
      workers = List.of();
    }
    deployment.setStatus(
        StatusAggregator.compute(
            deployment,
            FleetPlanner.previousView(deployment.getStatus(), workers),
            Optional.of(trouble),
            now));
    return ErrorStatusUpdateControl.patchStatus(deployment);
  }

  /** The Kubernetes API error behind an exception the controller wrapped, if it is one. */
  private static Optional<KubernetesClientException> apiError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** A conflict (409, not AlreadyExists) or the deployment gone (404) when writing its status. */
  private static boolean isStale(Throwable e) {
    return apiError(e)
        .map(
            k ->
                k.getCode() == 404
                    || (k.getCode() == 409
                        && !"AlreadyExists"
                            .equals(k.getStatus() == null ? null : k.getStatus().getReason())))
        .orElse(false);
  }

  /**
   * The deployment's pods as the informer holds them, less those this operator deleted whose
   * deletion the cache does not show yet.
   */
  private List<Pod> observedPods(AgentDeployment deployment, Context<AgentDeployment> context) {
    return k8s.writer()
        .withoutRecentlyDeleted(
            deployment.getMetadata().getNamespace(), context.getSecondaryResources(Pod.class));
  }

  /** Tracks the pods' status endpoints and joins each pod with its worker's latest report. */
  private List<WorkerPod> withReports(AgentDeployment deployment, List<Pod> pods, Instant now) {
    List<StatusTarget> targets = new ArrayList<>();
    List<WorkerPod> workers = new ArrayList<>();
    var format =
        deployment.getSpec() == null
            ? WorkerStatusEndpoint.DEFAULT_FORMAT
            : deployment.getSpec().workerStatusFormat();
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
              pod, poller.latest(uid).flatMap(Observation::report).orElse(null), format, now));
    }
    poller.track(ResourceID.fromResource(deployment), targets);
    return workers;
  }

  /** The status last: computed from the fleet after the writes, patched only when it changed. */
  private UpdateControl<AgentDeployment> report(
      AgentDeployment deployment, FleetView view, Optional<Trouble> trouble, Resync resync) {
    reportTroubleChange(deployment, trouble);
    AgentDeploymentStatus status =
        StatusAggregator.compute(deployment, view, trouble, Instant.now(k8s.clock()));
    fleetMetrics.record(deployment, status, view.pods());
    board.observed(deployment, status, view.pods(), Instant.now(k8s.clock()));
    meters
        .counter(RECONCILES_METRIC, "outcome", trouble.map(Trouble::reason).orElse("ok"))
        .increment();
    UpdateControl<AgentDeployment> control;
    if (status.equals(deployment.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      deployment.setStatus(status);
      control = UpdateControl.patchStatus(deployment);
    }
    return switch (resync) {
      case NONE -> control;
      case SOON -> control.rescheduleAfter(ROLLBACK_RESYNC);
      case REGULAR -> control.rescheduleAfter(config.autoscaleResync());
    };
  }

  /** An Event when a problem appears or changes, and one when it clears; none while it lasts. */
  private void reportTroubleChange(AgentDeployment deployment, Optional<Trouble> trouble) {
    Condition before =
        deployment.getStatus() == null
            ? null
            : Conditions.find(deployment.getStatus().getConditions(), ConditionType.DEGRADED);
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
