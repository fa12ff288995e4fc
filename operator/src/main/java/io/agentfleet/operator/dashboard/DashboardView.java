package io.agentfleet.operator.dashboard;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.operator.dashboard.Board.EventLine;
import io.agentfleet.operator.dashboard.Board.Observed;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.status.Conditions;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what the operator observed into the dashboard's JSON view model. Pure: the same inputs give
 * the same page. It names only what a person needs to read a fleet — counts, states, revisions,
 * images, rollout progress, Event messages — and never copies the pod template, its env or any
 * Secret, so nothing secret can reach the page through it.
 */
public final class DashboardView {

  /** The page's standing note on where its figures come from. */
  public static final String MEMORY_NOTE =
      "History and Events are kept in this operator's memory for the last hour: a restart or a"
          + " failover starts them empty.";

  /** The worker states, in the order the page shows them. */
  public static final List<String> STATES =
      List.of("starting", "idle", "busy", "draining", "unknown", "finished");

  private DashboardView() {}

  /** A line of the list of deployments. */
  public record Summary(
      String namespace,
      String name,
      String agentName,
      Integer replicas,
      int desired,
      int ready,
      int workers,
      int calls,
      double load,
      Double targetLoad,
      String strategy,
      String rolloutPhase,
      String updateRevision,
      String currentRevision,
      String degraded,
      Instant observedAt) {}

  /** One worker pod. */
  public record Worker(
      String name,
      String revision,
      String state,
      int calls,
      Double load,
      Integer maxCalls,
      int restarts,
      long ageSeconds) {}

  /** Workers of one revision, counted by state. */
  public record RevisionWorkers(String revision, Map<String, Integer> states, int calls) {}

  /**
   * The rollout in progress or last finished.
   *
   * @param waitingFor what has to happen before it goes on, in words
   */
  public record Rollout(
      String strategy,
      String phase,
      Integer step,
      int steps,
      Integer weight,
      boolean paused,
      String promoted,
      String message,
      String waitingFor,
      Integer drainingOldWorkers,
      Integer drainingOldCalls) {}

  /** A stored revision (ControllerRevision). */
  public record RevisionRow(
      long number,
      String hash,
      String name,
      List<String> images,
      Instant created,
      boolean update,
      boolean current,
      boolean stable,
      boolean rolledBack) {}

  /** Finished calls of one revision as its workers count them (only workers that count). */
  public record Jobs(String revision, long succeeded, long failed, Double failureRatio) {}

  public record ConditionRow(String type, String status, String reason, String message) {}

  /** The page of one deployment. */
  public record Page(
      Summary summary,
      List<Worker> workers,
      List<RevisionWorkers> byRevision,
      Rollout rollout,
      List<RevisionRow> revisions,
      List<Jobs> jobs,
      List<ConditionRow> conditions,
      List<History.Sample> history,
      List<EventLine> events,
      boolean writeActions,
      String note) {}

  public static List<Summary> summaries(List<Observed> deployments) {
    return deployments.stream().map(DashboardView::summary).toList();
  }

  public static Summary summary(Observed o) {
    AgentDeploymentSpec spec = o.deployment().getSpec();
    AgentDeploymentStatus status = o.status() == null ? new AgentDeploymentStatus() : o.status();
    Condition degraded = Conditions.find(status.getConditions(), ConditionType.DEGRADED);
    return new Summary(
        o.namespace(),
        o.name(),
        spec == null ? null : spec.getAgentName(),
        spec == null ? null : spec.getReplicas(),
        orZero(status.getDesiredReplicas()),
        orZero(status.getReadyReplicas()),
        (int) o.pods().stream().filter(WorkerPod::live).count(),
        orZero(status.getActiveJobs()),
        status.getLoad() == null ? 0 : status.getLoad(),
        targetLoad(spec),
        strategy(spec),
        status.getRollout() == null ? null : status.getRollout().getPhase(),
        status.getUpdateRevision(),
        status.getCurrentRevision(),
        degraded != null && "True".equals(degraded.getStatus()) ? degraded.getReason() : null,
        o.at());
  }

  /** One chart point from an observation. */
  public static History.Sample sample(Observed o) {
    Summary s = summary(o);
    return new History.Sample(o.at(), s.calls(), s.load(), s.targetLoad(), s.desired(), s.ready());
  }

  public static Page page(
      Observed o,
      List<ControllerRevision> stored,
      List<History.Sample> history,
      List<EventLine> events,
      boolean writeActions) {
    Summary summary = summary(o);
    List<Worker> workers =
        o.pods().stream()
            .map(p -> worker(p, o.at()))
            .sorted(Comparator.comparing(Worker::revision).thenComparing(Worker::name))
            .toList();
    AgentDeploymentStatus status = o.status() == null ? new AgentDeploymentStatus() : o.status();
    List<ConditionRow> conditions =
        status.getConditions() == null
            ? List.of()
            : status.getConditions().stream()
                .map(
                    c ->
                        new ConditionRow(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
                .toList();
    return new Page(
        summary,
        workers,
        byRevision(o.pods()),
        rollout(o.deployment(), status, o.at()),
        revisions(stored, status),
        jobs(o.pods()),
        conditions,
        history,
        events,
        writeActions,
        MEMORY_NOTE);
  }

  static Worker worker(WorkerPod pod, Instant now) {
    return new Worker(
        pod.name(),
        pod.revision(),
        FleetMetrics.state(pod),
        pod.activeJobs(),
        pod.known() ? pod.report().load() : null,
        pod.known() ? pod.report().maxJobs() : null,
        pod.restarts(),
        pod.created() == null ? 0 : Math.max(0, Duration.between(pod.created(), now).toSeconds()));
  }

  static List<RevisionWorkers> byRevision(List<WorkerPod> pods) {
    Map<String, Map<String, Integer>> states = new TreeMap<>();
    Map<String, Integer> calls = new TreeMap<>();
    for (WorkerPod pod : pods) {
      Map<String, Integer> counts =
          states.computeIfAbsent(
              pod.revision(),
              r -> {
                Map<String, Integer> zero = new java.util.LinkedHashMap<>();
                STATES.forEach(s -> zero.put(s, 0));
                return zero;
              });
      counts.merge(FleetMetrics.state(pod), 1, Integer::sum);
      calls.merge(pod.revision(), pod.activeJobs(), Integer::sum);
    }
    List<RevisionWorkers> out = new ArrayList<>();
    states.forEach((rev, counts) -> out.add(new RevisionWorkers(rev, counts, calls.get(rev))));
    return out;
  }

  static Rollout rollout(AgentDeployment deployment, AgentDeploymentStatus status, Instant now) {
    AgentDeploymentSpec spec = deployment.getSpec();
    RolloutStatus r = status.getRollout();
    boolean paused = spec != null && Boolean.TRUE.equals(spec.getPaused());
    List<CanaryStep> steps = canarySteps(spec);
    Integer step = r == null ? null : r.getStep();
    return new Rollout(
        strategy(spec),
        r == null ? null : r.getPhase(),
        step,
        steps.size(),
        r == null ? null : r.getWeight(),
        paused,
        r == null ? null : r.getPromoted(),
        r == null ? null : r.getMessage(),
        waitingFor(paused, r, steps, now),
        r == null ? null : r.getDrainingOldWorkers(),
        r == null ? null : r.getDrainingOldCalls());
  }

  /** In words, what the rollout waits for; null when it waits for nothing. */
  static String waitingFor(boolean paused, RolloutStatus r, List<CanaryStep> steps, Instant now) {
    if (paused) {
      return "spec.paused: resume to go on (kubectl agents rollout resume)";
    }
    if (r == null || RolloutPhase.Completed.is(r.getPhase())) {
      return null;
    }
    if (RolloutPhase.RolledBack.is(r.getPhase())) {
      return "a new template (the failed one is not rolled out again)";
    }
    Integer step = r.getStep();
    if (step != null && step >= 0 && step < steps.size()) {
      CanaryStep current = steps.get(step);
      if (current.getPause() != null) {
        Integer seconds = current.getPause().getSeconds();
        if (seconds == null) {
          return "promotion: kubectl agents rollout promote (annotation "
              + AgentDeploymentAnnotations.PROMOTE
              + ")";
        }
        String left = "";
        if (r.getStepStartedAt() != null) {
          try {
            long remaining =
                Duration.between(now, Instant.parse(r.getStepStartedAt()).plusSeconds(seconds))
                    .toSeconds();
            left = ", " + Math.max(0, remaining) + " s left";
          } catch (java.time.format.DateTimeParseException ignored) {
            // an unreadable time leaves the remaining time out, nothing else
          }
        }
        return "a pause of " + seconds + " s" + left + " (or a promotion)";
      }
    }
    if (r.getDrainingOldWorkers() != null && r.getDrainingOldWorkers() > 0) {
      return r.getDrainingOldWorkers()
          + " old worker(s) to drain, "
          + orZero(r.getDrainingOldCalls())
          + " call(s) on them";
    }
    return "new-revision workers to register and become available";
  }

  static List<RevisionRow> revisions(List<ControllerRevision> stored, AgentDeploymentStatus s) {
    List<RevisionRow> rows = new ArrayList<>();
    for (ControllerRevision r : stored) {
      Map<String, String> labels = r.getMetadata().getLabels();
      Map<String, String> annotations = r.getMetadata().getAnnotations();
      String name = r.getMetadata().getName();
      List<String> images =
          RevisionData.template(r.getData())
              .map(
                  t ->
                      t.getSpec() == null || t.getSpec().getContainers() == null
                          ? List.<String>of()
                          : t.getSpec().getContainers().stream().map(Container::getImage).toList())
              .orElse(List.of());
      Instant created = null;
      try {
        created =
            r.getMetadata().getCreationTimestamp() == null
                ? null
                : Instant.parse(r.getMetadata().getCreationTimestamp());
      } catch (java.time.format.DateTimeParseException ignored) {
        // shown without an age
      }
      rows.add(
          new RevisionRow(
              r.getRevision() == null ? 0 : r.getRevision(),
              labels == null ? null : labels.get(AgentDeploymentLabels.REVISION),
              name,
              images,
              created,
              name.equals(s.getUpdateRevision()),
              name.equals(s.getCurrentRevision()),
              name.equals(s.getLastStableRevision()),
              annotations != null
                  && annotations.containsKey(AgentDeploymentAnnotations.ROLLED_BACK)));
    }
    rows.sort(Comparator.comparingLong(RevisionRow::number).reversed());
    return rows;
  }

  /** Job outcomes by revision, from the workers that count them (ours); others are left out. */
  static List<Jobs> jobs(List<WorkerPod> pods) {
    Map<String, long[]> byRevision = new TreeMap<>();
    for (WorkerPod pod : pods) {
      if (!pod.known()
          || pod.report().jobsSucceeded() == null
          || pod.report().jobsFailed() == null) {
        continue;
      }
      long[] counts = byRevision.computeIfAbsent(pod.revision(), r -> new long[2]);
      counts[0] += pod.report().jobsSucceeded();
      counts[1] += pod.report().jobsFailed();
    }
    List<Jobs> out = new ArrayList<>();
    byRevision.forEach(
        (rev, c) -> {
          long total = c[0] + c[1];
          out.add(new Jobs(rev, c[0], c[1], total == 0 ? null : c[1] / (double) total));
        });
    return out;
  }

  private static List<CanaryStep> canarySteps(AgentDeploymentSpec spec) {
    if (spec == null
        || spec.getStrategy() == null
        || spec.getStrategy().getType() != StrategyType.CANARY
        || spec.getStrategy().getCanary() == null
        || spec.getStrategy().getCanary().getSteps() == null) {
      return List.of();
    }
    return spec.getStrategy().getCanary().getSteps();
  }

  private static String strategy(AgentDeploymentSpec spec) {
    return spec != null
            && spec.getStrategy() != null
            && spec.getStrategy().getType() == StrategyType.CANARY
        ? "Canary"
        : "RollingUpdate";
  }

  private static Double targetLoad(AgentDeploymentSpec spec) {
    return spec != null && spec.autoscaled() && spec.getAutoscaling() != null
        ? spec.getAutoscaling().getTargetLoad()
        : null;
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
