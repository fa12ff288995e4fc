package io.agentfleet.sandbox.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.sandbox.calls.CallLedger;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryLineTest {
  static Pod pod(String revision, boolean ready, boolean terminating) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .addToLabels(AgentDeploymentLabels.REVISION, revision)
            .withDeletionTimestamp(terminating ? "2026-01-01T00:00:00Z" : null)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    return b.build();
  }

  @Test
  void saysCallsWorkersByRevisionAndState() {
    AgentDeploymentStatus status = new AgentDeploymentStatus();
    status.setDesiredReplicas(3);
    status.setReadyReplicas(2);
    status.setLoad(0.25);
    String line =
        SummaryLine.render(
            Duration.ofSeconds(42),
            Map.of(
                CallOutcome.IN_CALL,
                5,
                CallOutcome.COMPLETED,
                6,
                CallOutcome.COMPLETED_LATE,
                1,
                CallOutcome.WAITING,
                1),
            List.of(
                pod("abcdef", true, false), pod("abcdef", false, false), pod("123456", true, true)),
            3,
            status);
    assertThat(line)
        .isEqualTo(
            "[  42s] calls 5 in call, 7 done (1 late), 0 dropped, 1 waiting | pods 1234: 1"
                + " terminating; abcd: 1 ready, 1 starting | registered 3, load 0.25 | desired 3"
                + " ready 2");
  }

  @Test
  void showsMediaCallsWhenThereAreAny() {
    String line =
        SummaryLine.render(
            Duration.ofSeconds(7),
            Map.of(CallOutcome.IN_CALL, 3, CallOutcome.COMPLETED, 4),
            new CallLedger.MediaTally(2, 3, 1),
            List.of(pod("abcdef", true, false)),
            1,
            null);
    assertThat(line)
        .isEqualTo(
            "[   7s] calls 3 in call, 4 done, 0 dropped, 0 waiting (media 2 in call, 3"
                + " heard, 1 not) | pods abcd: 1 ready | registered 1");
  }
}
