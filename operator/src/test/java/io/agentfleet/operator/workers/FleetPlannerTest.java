package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FleetPlannerTest {

  static final String NEW = "new";
  static final String OLD = "old";

  static WorkerPod pod(String name, String revision, boolean ready, int createdSecond) {
    return new WorkerPod(name, revision, ready, false, false, Instant.ofEpochSecond(createdSecond));
  }

  static WorkerPod terminating(String name, String revision) {
    return new WorkerPod(name, revision, true, true, false, Instant.EPOCH);
  }

  static WorkerPod finished(String name, String revision) {
    return new WorkerPod(name, revision, false, false, true, Instant.EPOCH);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("empty fleet grows", 3, List.of(), 3, List.of()),
        Arguments.of(
            "at size does nothing",
            2,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, true, 2)),
            0,
            List.of()),
        Arguments.of(
            "scale down removes newest first",
            1,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, true, 2), pod("c", NEW, true, 3)),
            0,
            List.of("c", "b")),
        Arguments.of(
            "scale down removes not ready before ready",
            2,
            List.of(pod("a", NEW, true, 1), pod("b", NEW, false, 2), pod("c", NEW, true, 3)),
            0,
            List.of("b")),
        Arguments.of(
            "terminating pods are not capacity",
            2,
            List.of(pod("a", NEW, true, 1), terminating("t", NEW)),
            1,
            List.of()),
        Arguments.of(
            "finished pods are removed and replaced",
            1,
            List.of(finished("f", NEW)),
            1,
            List.of("f")),
        Arguments.of(
            "new template: surge first, keep old while new are not ready",
            2,
            List.of(pod("o1", OLD, true, 1), pod("o2", OLD, true, 2)),
            2,
            List.of()),
        Arguments.of(
            "old go one for one as new ones become ready",
            2,
            List.of(
                pod("o1", OLD, true, 1),
                pod("o2", OLD, true, 2),
                pod("n1", NEW, true, 3),
                pod("n2", NEW, false, 4)),
            0,
            List.of("o2")),
        Arguments.of(
            "not ready old pods go at once",
            2,
            List.of(pod("o1", OLD, false, 1), pod("o2", OLD, true, 2)),
            2,
            List.of("o1")),
        Arguments.of(
            "scale to zero removes everything",
            0,
            List.of(pod("o1", OLD, true, 1), pod("n1", NEW, true, 2)),
            0,
            List.of("o1", "n1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(
      String description, int replicas, List<WorkerPod> pods, int create, List<String> remove) {
    FleetPlan plan = FleetPlanner.plan(replicas, NEW, pods);
    assertThat(plan.create()).as(description).isEqualTo(create);
    assertThat(plan.remove())
        .extracting(WorkerPod::name)
        .as(description)
        .containsExactlyElementsOf(remove);
  }

  /**
   * Every fleet of up to 5 pods, each new or old, ready or not, against every size 0..4: the plan
   * never takes ready capacity below what is wanted, never touches terminating pods, and ends with
   * exactly the wanted number of update-revision pods.
   */
  @Test
  void invariantsHoldForEveryFleetOfUpToFivePods() {
    int checked = 0;
    for (int size = 0; size <= 5; size++) {
      for (int mask = 0; mask < (1 << (2 * size)); mask++) {
        List<WorkerPod> pods = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          int bits = (mask >> (2 * i)) & 3;
          pods.add(pod("p" + i, (bits & 1) == 1 ? NEW : OLD, (bits & 2) == 2, i));
        }
        pods.add(terminating("t", OLD));
        for (int replicas = 0; replicas <= 4; replicas++) {
          FleetPlan plan = FleetPlanner.plan(replicas, NEW, pods);
          long readyBefore = pods.stream().filter(WorkerPod::live).filter(WorkerPod::ready).count();
          long readyAfter =
              pods.stream()
                  .filter(WorkerPod::live)
                  .filter(WorkerPod::ready)
                  .filter(p -> !plan.remove().contains(p))
                  .count();
          long newAfter =
              pods.stream()
                      .filter(WorkerPod::live)
                      .filter(p -> p.revision().equals(NEW))
                      .filter(p -> !plan.remove().contains(p))
                      .count()
                  + plan.create();
          assertThat(readyAfter).isGreaterThanOrEqualTo(Math.min(replicas, readyBefore));
          assertThat(newAfter).isEqualTo(replicas);
          assertThat(plan.remove()).noneMatch(WorkerPod::terminating).doesNotHaveDuplicates();
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(5 * (1 + 4 + 16 + 64 + 256 + 1024));
  }

  @Test
  void victimOrderIsNotReadyThenOldThenNewestThenName() {
    List<WorkerPod> pods =
        new ArrayList<>(
            List.of(
                pod("ready-new-old", NEW, true, 1),
                pod("ready-new-young", NEW, true, 5),
                pod("ready-old", OLD, true, 1),
                pod("unready-new", NEW, false, 1),
                pod("b-same", NEW, true, 3),
                pod("a-same", NEW, true, 3)));
    pods.sort(VictimOrder.forUpdateRevision(NEW));
    assertThat(pods)
        .extracting(WorkerPod::name)
        .containsExactly(
            "unready-new", "ready-old", "ready-new-young", "a-same", "b-same", "ready-new-old");
  }
}
