package io.agentfleet.operator.metrics;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.autoscale.ScaleDecision;
import io.agentfleet.operator.workers.WorkerPod;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus gauges and counters per AgentDeployment: workers by state and revision, calls, load,
 * desired replicas, scale events. Gauges hold the last reconciled values; a state or revision that
 * disappears drops to 0 rather than vanishing mid-graph.
 */
public final class FleetMetrics {

  private final MeterRegistry registry;

  private record GaugeKey(String name, Tags tags) {}

  private final Map<GaugeKey, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  public FleetMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(
      AgentDeployment deployment, AgentDeploymentStatus status, Iterable<WorkerPod> pods) {
    Tags base = base(deployment);
    Map<Tags, Double> workers = new HashMap<>();
    gauges.keySet().stream()
        .filter(k -> k.name().equals("agentfleet.workers") && containsAll(k.tags(), base))
        .forEach(k -> workers.put(k.tags(), 0.0));
    for (WorkerPod pod : pods) {
      Tags tags = base.and("state", state(pod), "revision", pod.revision());
      workers.merge(tags, 1.0, Double::sum);
    }
    workers.forEach((tags, value) -> set("agentfleet.workers", tags, value));
    set("agentfleet.calls", base, status.getActiveJobs() == null ? 0 : status.getActiveJobs());
    set("agentfleet.load", base, status.getLoad() == null ? 0 : status.getLoad());
    set(
        "agentfleet.desired.replicas",
        base,
        status.getDesiredReplicas() == null ? 0 : status.getDesiredReplicas());
  }

  public void scaled(AgentDeployment deployment, ScaleDecision decision) {
    registry
        .counter(
            "agentfleet.scale.events",
            base(deployment)
                .and("direction", decision.replicas() > decision.current() ? "up" : "down")
                .and("limit", decision.limit().name().toLowerCase()))
        .increment();
  }

  /**
   * Removes every meter of a deleted deployment (its gauges and scale events), so a dashboard does
   * not show its last values for ever.
   */
  public void forget(String namespace, String name) {
    Tags base = Tags.of("namespace", namespace, "deployment", name);
    gauges.keySet().removeIf(key -> containsAll(key.tags(), base));
    registry.getMeters().stream()
        .filter(meter -> containsAll(Tags.of(meter.getId().getTags()), base))
        .toList()
        .forEach(registry::remove);
  }

  /**
   * The worker's state as the metrics and the dashboard name it: starting, idle, busy, unknown,
   * draining, finished.
   */
  public static String state(WorkerPod pod) {
    if (pod.terminating() || (pod.known() && pod.report().draining())) {
      return "draining";
    }
    if (pod.finished()) {
      return "finished";
    }
    if (!pod.ready()) {
      return "starting";
    }
    if (!pod.known()) {
      return "unknown";
    }
    return pod.activeJobs() > 0 ? "busy" : "idle";
  }

  private void set(String name, Tags tags, double value) {
    gauges
        .computeIfAbsent(
            new GaugeKey(name, tags),
            key -> {
              AtomicReference<Double> holder = new AtomicReference<>(0.0);
              registry.gauge(name, tags, holder, AtomicReference::get);
              return holder;
            })
        .set(value);
  }

  private static boolean containsAll(Tags tags, Tags subset) {
    return subset.stream().allMatch(s -> tags.stream().anyMatch(s::equals));
  }

  private static Tags base(AgentDeployment deployment) {
    return Tags.of(
        "namespace", deployment.getMetadata().getNamespace(),
        "deployment", deployment.getMetadata().getName());
  }
}
