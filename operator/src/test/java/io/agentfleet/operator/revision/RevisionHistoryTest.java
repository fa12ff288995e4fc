package io.agentfleet.operator.revision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevisionHistoryTest {

  static Revision rev(String hash, long number) {
    return new Revision(hash, "d-" + hash, number);
  }

  @Test
  void firstTemplateBecomesRevisionOne() {
    RevisionPlan plan = RevisionHistory.plan(List.of(), "aaa", "d-aaa", Set.of(), 10);
    assertThat(plan.create()).contains(rev("aaa", 1));
    assertThat(plan.update()).isEqualTo(rev("aaa", 1));
    assertThat(plan.renumber()).isEmpty();
    assertThat(plan.prune()).isEmpty();
  }

  @Test
  void unchangedTemplateWritesNothing() {
    RevisionPlan plan =
        RevisionHistory.plan(List.of(rev("aaa", 1), rev("bbb", 2)), "bbb", "d-bbb", Set.of(), 10);
    assertThat(plan.writesNothing()).isTrue();
    assertThat(plan.update()).isEqualTo(rev("bbb", 2));
  }

  @Test
  void newTemplateIsNumberedAboveAll() {
    RevisionPlan plan =
        RevisionHistory.plan(List.of(rev("aaa", 4), rev("bbb", 7)), "ccc", "d-ccc", Set.of(), 10);
    assertThat(plan.create()).contains(rev("ccc", 8));
  }

  @Test
  void templateThatComesBackIsRenumberedNotCopied() {
    RevisionPlan plan =
        RevisionHistory.plan(List.of(rev("aaa", 1), rev("bbb", 2)), "aaa", "d-aaa", Set.of(), 10);
    assertThat(plan.create()).isEmpty();
    assertThat(plan.renumber()).contains(rev("aaa", 3));
    assertThat(plan.update()).isEqualTo(rev("aaa", 3));
  }

  @Test
  void prunesOldestBeyondTheLimit() {
    List<Revision> existing = List.of(rev("a", 1), rev("b", 2), rev("c", 3), rev("d", 4));
    RevisionPlan plan = RevisionHistory.plan(existing, "d", "d-d", Set.of(), 1);
    assertThat(plan.prune()).containsExactly(rev("a", 1), rev("b", 2));
  }

  @Test
  void limitZeroKeepsOnlyTheUpdateAndRevisionsInUse() {
    List<Revision> existing = List.of(rev("a", 1), rev("b", 2), rev("c", 3));
    RevisionPlan plan = RevisionHistory.plan(existing, "c", "d-c", Set.of("a"), 0);
    assertThat(plan.prune()).containsExactly(rev("b", 2));
  }

  @Test
  void neverPrunesTheUpdateOrARevisionInUse() {
    List<Revision> existing = List.of(rev("a", 1), rev("b", 2), rev("c", 3));
    RevisionPlan plan = RevisionHistory.plan(existing, "a", "d-a", Set.of("b"), 0);
    assertThat(plan.prune()).containsExactly(rev("c", 3));
    assertThat(plan.renumber()).isEqualTo(Optional.of(rev("a", 4)));
  }
}
