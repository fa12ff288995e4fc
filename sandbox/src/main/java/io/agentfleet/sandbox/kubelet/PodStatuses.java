package io.agentfleet.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders a pod's status from what the kubelet knows: pure, so the rules are testable. */
final class PodStatuses {

  static final String IP = "127.0.0.1";

  private PodStatuses() {}

  /**
   * @param phase Pending, Running, Succeeded or Failed
   * @param previous the status now stored, whose condition transition times are kept when the
   *     condition did not change
   */
  static PodStatus render(
      String phase, Instant startTime, ContainerView container, PodStatus previous, Instant now) {
    boolean running = container.state() instanceof ContainerView.Running;
    boolean ready = running && container.ready();
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("PodScheduled", true, previous, now));
    conditions.add(condition("Initialized", true, previous, now));
    conditions.add(condition("ContainersReady", ready, previous, now));
    conditions.add(condition("Ready", ready, previous, now));
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(container.name())
            .withImage(container.image())
            .withImageID("sandbox://" + container.image())
            .withContainerID(
                running ? "sandbox://" + container.name() + "-" + container.restartCount() : null)
            .withReady(ready)
            .withStarted(running)
            .withRestartCount(container.restartCount())
            .withState(state(container.state()))
            .withLastState(
                container.lastState() == null ? new ContainerState() : state(container.lastState()))
            .build();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(IP)
        .withPodIP(IP)
        .withPodIPs(new PodIPBuilder().withIp(IP).build())
        .withStartTime(startTime == null ? null : startTime.toString())
        .withConditions(conditions)
        .withContainerStatuses(status)
        // Set by the API server at creation from the pod's resources, and never changed after.
        .withQosClass(
            previous != null && previous.getQosClass() != null
                ? previous.getQosClass()
                : "BestEffort")
        .build();
  }

  private static ContainerState state(ContainerView.State state) {
    if (state instanceof ContainerView.Waiting w) {
      return new ContainerStateBuilder()
          .withNewWaiting()
          .withReason(w.reason())
          .withMessage(w.message())
          .endWaiting()
          .build();
    }
    if (state instanceof ContainerView.Running r) {
      return new ContainerStateBuilder()
          .withNewRunning()
          .withStartedAt(r.startedAt().toString())
          .endRunning()
          .build();
    }
    ContainerView.Terminated t = (ContainerView.Terminated) state;
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(t.exitCode())
        .withReason(t.reason())
        .withStartedAt(t.startedAt() == null ? null : t.startedAt().toString())
        .withFinishedAt(t.finishedAt().toString())
        .endTerminated()
        .build();
  }

  private static PodCondition condition(
      String type, boolean value, PodStatus previous, Instant now) {
    String status = value ? "True" : "False";
    String since = now.toString();
    if (previous != null && previous.getConditions() != null) {
      for (PodCondition old : previous.getConditions()) {
        if (type.equals(old.getType())
            && status.equals(old.getStatus())
            && old.getLastTransitionTime() != null) {
          since = old.getLastTransitionTime();
        }
      }
    }
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withLastTransitionTime(since)
        .build();
  }
}
