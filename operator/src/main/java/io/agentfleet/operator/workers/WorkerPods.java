package io.agentfleet.operator.workers;

import io.agentfleet.operator.workerstatus.WorkerReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.Objects;

/** Reads a Kubernetes Pod as the planners see it. */
public final class WorkerPods {

  private WorkerPods() {}

  public static WorkerPod of(Pod pod, WorkerReport report) {
    return of(pod).withReport(report);
  }

  public static WorkerPod of(Pod pod) {
    String revision =
        pod.getMetadata().getLabels() == null
            ? ""
            : Objects.requireNonNullElse(
                pod.getMetadata().getLabels().get(WorkerLabels.REVISION), "");
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    boolean ready =
        pod.getStatus() != null
            && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream().anyMatch(WorkerPods::isReadyTrue);
    String created = pod.getMetadata().getCreationTimestamp();
    int restarts =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? 0
            : pod.getStatus().getContainerStatuses().stream()
                .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
                .sum();
    return new WorkerPod(
        pod.getMetadata().getName(),
        revision,
        ready,
        pod.getMetadata().getDeletionTimestamp() != null,
        "Succeeded".equals(phase) || "Failed".equals(phase),
        created == null ? Instant.EPOCH : Instant.parse(created),
        null,
        restarts);
  }

  private static boolean isReadyTrue(PodCondition c) {
    return "Ready".equals(c.getType()) && "True".equals(c.getStatus());
  }
}
