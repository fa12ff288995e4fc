package io.agentfleet.operator.revision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the revision bookkeeping, as Deployments and StatefulSets do: one revision per distinct
 * template, the update template always carries the highest number (a template that comes back is
 * renumbered, not duplicated), and old revisions beyond the limit are pruned, oldest first.
 * Revisions in use are never pruned.
 */
public final class RevisionHistory {

  private RevisionHistory() {}

  /**
   * @param existing the stored revisions, in any order
   * @param updateHash hash of the template the spec asks for
   * @param revisionName the name the update revision has or will have
   * @param inUse hashes that must stay: the current revision and any that still has pods
   * @param historyLimit how many revisions besides the update and in-use ones to keep
   */
  public static RevisionPlan plan(
      List<Revision> existing,
      String updateHash,
      String revisionName,
      Set<String> inUse,
      int historyLimit) {
    long highest = existing.stream().mapToLong(Revision::number).max().orElse(0);
    Optional<Revision> stored =
        existing.stream().filter(r -> r.hash().equals(updateHash)).findFirst();

    Optional<Revision> create = Optional.empty();
    Optional<Revision> renumber = Optional.empty();
    Revision update;
    if (stored.isEmpty()) {
      update = new Revision(updateHash, revisionName, highest + 1);
      create = Optional.of(update);
    } else if (stored.get().number() < highest) {
      update = new Revision(updateHash, stored.get().name(), highest + 1);
      renumber = Optional.of(update);
    } else {
      update = stored.get();
    }

    List<Revision> old = new ArrayList<>();
    for (Revision r : existing) {
      if (!r.hash().equals(updateHash) && !inUse.contains(r.hash())) {
        old.add(r);
      }
    }
    old.sort(Comparator.comparingLong(Revision::number).thenComparing(Revision::name));
    int excess = Math.max(0, old.size() - Math.max(0, historyLimit));
    return new RevisionPlan(create, renumber, List.copyOf(old.subList(0, excess)), update);
  }
}
