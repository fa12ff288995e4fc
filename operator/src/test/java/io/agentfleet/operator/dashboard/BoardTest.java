package io.agentfleet.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.SampleDeployments;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoardTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  static AgentDeployment deployment(String name, String uid) {
    AgentDeployment d = SampleDeployments.ourWorker(name, 1, "agent:v1");
    d.getMetadata().setNamespace("team");
    d.getMetadata().setUid(uid);
    return d;
  }

  @Test
  void aDeletedDeploymentStaysOffThePageEvenIfALateReconcileReportsIt() {
    Board board = new Board();
    board.observed(deployment("a", "uid-a"), new AgentDeploymentStatus(), List.of(), T0);
    board.observed(deployment("b", "uid-b"), new AgentDeploymentStatus(), List.of(), T0);
    board.forget("team", "a", "uid-a");
    // a reconcile that was running when it was deleted
    board.observed(deployment("a", "uid-a"), new AgentDeploymentStatus(), List.of(), T0);
    assertThat(board.deployments()).extracting(Board.Observed::name).containsExactly("b");
    assertThat(board.history("team", "a", T0)).isEmpty();
    // the same name created again is a new object, with a new uid
    board.observed(deployment("a", "uid-a2"), new AgentDeploymentStatus(), List.of(), T0);
    assertThat(board.deployments()).extracting(Board.Observed::name).containsExactly("a", "b");
  }

  @Test
  void eventsAreKeptNewestFirstAndBounded() {
    Board board = new Board();
    for (int i = 0; i < Board.EVENTS_KEPT + 5; i++) {
      board.event("team", "a", T0.plusSeconds(i), "Normal", "R", "m" + i);
    }
    List<Board.EventLine> events = board.events("team", "a");
    assertThat(events).hasSize(Board.EVENTS_KEPT);
    assertThat(events.get(0).message()).isEqualTo("m" + (Board.EVENTS_KEPT + 4));
    assertThat(events.get(events.size() - 1).message()).isEqualTo("m5");
  }
}
