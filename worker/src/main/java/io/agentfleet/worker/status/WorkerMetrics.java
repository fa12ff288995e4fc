package io.agentfleet.worker.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * Prometheus metrics. The two {@code lk_agents_*} gauges keep the Python SDK's names so existing
 * dashboards work; the {@code agentfleet_worker_*} ones are ours.
 */
public final class WorkerMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter rejected;

  public WorkerMetrics(Supplier<WorkerInfo> info) {
    Gauge.builder("lk_agents_active_job_count", () -> info.get().activeJobs())
        .description("Jobs running on this worker")
        .register(registry);
    Gauge.builder("lk_agents_worker_load", () -> info.get().workerLoad())
        .description("Load reported to LiveKit, 0..1")
        .register(registry);
    Gauge.builder("agentfleet_worker_draining", () -> info.get().draining() ? 1 : 0)
        .description("1 while the worker drains")
        .register(registry);
    Gauge.builder("agentfleet_worker_registered", () -> info.get().registered() ? 1 : 0)
        .description("1 while registered with LiveKit")
        .register(registry);
    Gauge.builder("agentfleet_worker_max_jobs", () -> info.get().maxJobs())
        .description("Jobs this worker runs at once")
        .register(registry);
    FunctionCounter.builder("agentfleet_worker_jobs", info, i -> i.get().jobsSucceeded())
        .tag("outcome", "succeeded")
        .description("Jobs that ended")
        .register(registry);
    FunctionCounter.builder("agentfleet_worker_jobs", info, i -> i.get().jobsFailed())
        .tag("outcome", "failed")
        .description("Jobs that ended")
        .register(registry);
    rejected =
        Counter.builder("agentfleet_worker_jobs_rejected")
            .description("Job offers this worker refused")
            .register(registry);
  }

  public void rejected() {
    rejected.increment();
  }

  public String scrape() {
    return registry.scrape();
  }
}
