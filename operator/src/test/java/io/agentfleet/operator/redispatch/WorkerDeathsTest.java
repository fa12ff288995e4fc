package io.agentfleet.operator.redispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerDeathsTest {

  static final Instant T = Instant.parse("2026-12-03T20:00:00Z");

  static Pod pod(String name, boolean terminating, String lastFinished) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withDeletionTimestamp(terminating ? T.toString() : null)
            .endMetadata();
    if (lastFinished != null) {
      b.withNewStatus()
          .addNewContainerStatus()
          .withName("agent")
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(137)
          .withReason("OOMKilled")
          .withFinishedAt(lastFinished)
          .endTerminated()
          .endLastState()
          .endContainerStatus()
          .endStatus();
    }
    return b.build();
  }

  @Test
  void aRestartedContainerIsADeathAtItsFinishTime() {
    WorkerDeaths deaths = new WorkerDeaths();
    List<WorkerDeath> seen =
        deaths.observe("ns/a", List.of(pod("w-1", false, T.toString())), T.plusSeconds(2));
    assertThat(seen).containsExactly(new WorkerDeath("w-1", T, false));
    // Seen again: still one death, not two.
    assertThat(deaths.observe("ns/a", List.of(pod("w-1", false, T.toString())), T.plusSeconds(3)))
        .hasSize(1);
  }

  @Test
  void aPodThatVanishedDiedUnlessItWasBeingDeleted() {
    WorkerDeaths deaths = new WorkerDeaths();
    deaths.observe("ns/a", List.of(pod("w-1", false, null), pod("w-2", true, null)), T);

    List<WorkerDeath> seen = deaths.observe("ns/a", List.of(), T.plusSeconds(1));

    assertThat(seen)
        .containsExactlyInAnyOrder(
            new WorkerDeath("w-1", T.plusSeconds(1), false),
            new WorkerDeath("w-2", T.plusSeconds(1), true));
  }

  @Test
  void deathsAreForgottenOnceNoDepartureCanMatchThem() {
    WorkerDeaths deaths = new WorkerDeaths();
    deaths.observe("ns/a", List.of(pod("w-1", false, null)), T);
    deaths.observe("ns/a", List.of(), T);
    assertThat(deaths.observe("ns/a", List.of(), T.plus(WorkerDeaths.MEMORY).plusSeconds(1)))
        .isEmpty();
    assertThat(deaths.observe("ns/b", List.of(), T)).isEmpty();
  }
}
