package io.agentfleet.operator.revision;

import java.util.List;
import java.util.Set;

/**
 * A deployment's ControllerRevisions as read at the start of a reconcile.
 *
 * @param rolledBack hashes of the revisions an automatic rollback marked
 */
public record StoredRevisions(List<Revision> revisions, Set<String> rolledBack) {
  public StoredRevisions {
    revisions = List.copyOf(revisions);
    rolledBack = Set.copyOf(rolledBack);
  }
}
