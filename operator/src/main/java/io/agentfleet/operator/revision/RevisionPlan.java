package io.agentfleet.operator.revision;

import java.util.List;
import java.util.Optional;

/**
 * What to do with ControllerRevisions so that the update template has the highest number and the
 * history fits its limit.
 *
 * @param create a new revision to store, numbered above every existing one
 * @param renumber an existing revision whose template came back, with its new number
 * @param prune revisions past the history limit
 * @param update the update revision as it will be once the plan is applied
 */
public record RevisionPlan(
    Optional<Revision> create, Optional<Revision> renumber, List<Revision> prune, Revision update) {

  public boolean writesNothing() {
    return create.isEmpty() && renumber.isEmpty() && prune.isEmpty();
  }
}
