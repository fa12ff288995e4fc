package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Reads a Kubernetes Pod as the planners see it. */
public final class WorkerPods {

  private WorkerPods() {}

  /**
   * How long a worker whose readiness says nothing of LiveKit (Python's {@code livekit-agents})
   * must have been ready before it counts as registered. Measured here: its process registers
   * 1.8–2.4 s after it starts, and its {@code /} answers from about the same start, so 5 s covers
   * it with room for a loaded machine. An allowance, not a signal: the SDK gives none.
   */
  public static final Duration REGISTRATION_ALLOWANCE = Duration.ofSeconds(5);

  public static WorkerPod of(Pod pod, WorkerReport report) {
    return of(pod).withReport(report);
  }

  /**
   * The pod with its report, ready only once its worker can be taken as registered with LiveKit: at
   * once where the worker's readiness says so, after {@link #REGISTRATION_ALLOWANCE} of readiness
   * where it does not.
   */
  public static WorkerPod of(Pod pod, WorkerReport report, Instant now) {
    return of(pod, report, WorkerStatusFormat.AGENTFLEET, now);
  }

  /**
   * @param declared the deployment's status format: where it is not ours, a pod that turned ready
   *     before its first report came is not taken as registered within the allowance either (its
   *     SDK may be Python's); past it, the kubelet's word stands, as for a worker that never
   *     reports
   */
  public static WorkerPod of(
      Pod pod, WorkerReport report, WorkerStatusFormat declared, Instant now) {
    WorkerPod worker = of(pod, report);
    if (!worker.ready()
        || (report == null && declared == WorkerStatusFormat.AGENTFLEET)
        || (report != null && report.signalsRegistration())) {
      return worker;
    }
    Instant readySince = readySince(pod);
    // A Ready condition without its time (not from a kubelet) gives nothing to wait from.
    boolean registered =
        readySince == null || !readySince.plus(REGISTRATION_ALLOWANCE).isAfter(now);
    return registered
        ? worker
        : new WorkerPod(
            worker.name(),
            worker.revision(),
            false,
            worker.terminating(),
            worker.finished(),
            worker.created(),
            worker.report(),
            worker.restarts(),
            null);
  }

  private static Instant readySince(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .filter(WorkerPods::isReadyTrue)
        .map(PodCondition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .map(Instant::parse)
        .findFirst()
        .orElse(null);
  }

  public static WorkerPod of(Pod pod) {
    String revision =
        pod.getMetadata().getLabels() == null
            ? ""
            : Objects.requireNonNullElse(
                pod.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION), "");
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
        restarts,
        ready ? null : unreadySince(pod));
  }

  private static Instant unreadySince(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .map(Instant::parse)
        .findFirst()
        .orElse(null);
  }

  private static boolean isReadyTrue(PodCondition c) {
    return "Ready".equals(c.getType()) && "True".equals(c.getStatus());
  }
}
