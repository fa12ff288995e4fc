package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.workerstatus.WorkerReport;
import java.time.Instant;
import java.util.Optional;

/**
 * The latest poll of one worker: a report, or why there is none. A worker with no report is
 * unknown, which the planners treat as neither idle nor available.
 */
public record Observation(Optional<WorkerReport> report, String error, Instant at) {

  public static Observation of(WorkerReport report, Instant at) {
    return new Observation(Optional.of(report), null, at);
  }

  public static Observation unknown(String error, Instant at) {
    return new Observation(Optional.empty(), error, at);
  }

  /** Worth a reconcile: reachability, calls, fullness or draining changed, or load moved. */
  public boolean differsMateriallyFrom(Observation before) {
    if (before == null || report.isPresent() != before.report.isPresent()) {
      return true;
    }
    if (report.isEmpty()) {
      return false;
    }
    WorkerReport a = report.get();
    WorkerReport b = before.report.get();
    double loadA = a.load() == null ? 0 : a.load();
    double loadB = b.load() == null ? 0 : b.load();
    return a.activeJobs() != b.activeJobs()
        || a.full() != b.full()
        || a.draining() != b.draining()
        || Math.abs(loadA - loadB) >= 0.05;
  }
}
