package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PodStatusesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static String condition(PodStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aReadyRunningContainerMakesThePodReady() {
    ContainerView view =
        new ContainerView("w", "img", new ContainerView.Running(T0), null, true, 0);
    PodStatus status = PodStatuses.render("Running", T0, view, null, T0);
    assertThat(condition(status, "Ready")).isEqualTo("True");
    assertThat(condition(status, "ContainersReady")).isEqualTo("True");
    assertThat(status.getPodIP()).isEqualTo("127.0.0.1");
    assertThat(status.getContainerStatuses().get(0).getStarted()).isTrue();
  }

  @Test
  void aCrashLoopingContainerIsNotReadyAndShowsItsLastExit() {
    ContainerView view =
        new ContainerView(
            "w",
            "img",
            new ContainerView.Waiting("CrashLoopBackOff", "back-off 10s"),
            new ContainerView.Terminated(3, "Error", T0, T0.plusSeconds(1)),
            true,
            2);
    PodStatus status = PodStatuses.render("Running", T0, view, null, T0.plusSeconds(2));
    assertThat(condition(status, "Ready")).isEqualTo("False");
    var container = status.getContainerStatuses().get(0);
    assertThat(container.getRestartCount()).isEqualTo(2);
    assertThat(container.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(container.getLastState().getTerminated().getExitCode()).isEqualTo(3);
  }

  @Test
  void aConditionKeepsItsTransitionTimeUntilItChanges() {
    ContainerView ready =
        new ContainerView("w", "img", new ContainerView.Running(T0), null, true, 0);
    PodStatus first = PodStatuses.render("Running", T0, ready, null, T0);
    PodStatus same = PodStatuses.render("Running", T0, ready, first, T0.plusSeconds(30));
    PodStatus notReady =
        PodStatuses.render(
            "Running",
            T0,
            new ContainerView("w", "img", new ContainerView.Running(T0), null, false, 0),
            same,
            T0.plusSeconds(60));
    assertThat(transition(same, "Ready")).isEqualTo(T0.toString());
    assertThat(transition(notReady, "Ready")).isEqualTo(T0.plusSeconds(60).toString());
    assertThat(transition(notReady, "PodScheduled")).isEqualTo(T0.toString());
  }

  static String transition(PodStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getLastTransitionTime)
        .findFirst()
        .orElseThrow();
  }
}
