package io.agentfleet.cli.status;

import io.agentfleet.api.workerstatus.WorkerReport;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/** A worker's state in one word, from its pod and, when it answered, its own report. */
public enum WorkerState {
  READY("ready"),
  STARTING("starting"),
  DRAINING("draining"),
  /** The pod ended, or a container is in CrashLoopBackOff: it will not serve calls as it is. */
  FAILED("failed");

  private final String label;

  WorkerState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * Draining first: a terminating pod is finishing its calls whatever its readiness says (it turns
   * unready as it drains). Then failure, then readiness.
   */
  public static WorkerState of(Pod pod, Optional<WorkerReport> report) {
    if (pod.getMetadata().getDeletionTimestamp() != null
        || report.map(WorkerReport::draining).orElse(false)) {
      return DRAINING;
    }
    var status = pod.getStatus();
    if (status == null) {
      return STARTING;
    }
    if ("Failed".equals(status.getPhase())
        || "Succeeded".equals(status.getPhase())
        || crashLooping(status.getContainerStatuses())) {
      return FAILED;
    }
    boolean ready =
        status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return ready ? READY : STARTING;
  }

  private static boolean crashLooping(List<ContainerStatus> containers) {
    return containers != null
        && containers.stream()
            .anyMatch(
                c ->
                    c.getState() != null
                        && c.getState().getWaiting() != null
                        && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason()));
  }
}
