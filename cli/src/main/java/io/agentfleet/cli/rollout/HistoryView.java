package io.agentfleet.cli.rollout;

import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.output.Age;
import io.agentfleet.cli.output.OutputFormat;
import io.agentfleet.cli.output.Table;
import io.agentfleet.cli.output.UnifiedDiff;
import io.agentfleet.cli.revision.Revision;
import io.agentfleet.cli.revision.RevisionHistory;
import java.time.Instant;
import java.util.Optional;

/** What {@code rollout history} prints; pure, so the layout and the diff are unit-tested. */
final class HistoryView {

  private HistoryView() {}

  static String table(RevisionHistory history, Instant now) {
    Table table = new Table("REVISION", "CHANGE-CAUSE", "ROLLED-BACK", "AGE");
    for (Revision r : history.revisions()) {
      table.row(
          String.valueOf(r.number()),
          r.changeCause() == null ? "<none>" : oneLine(r.changeCause()),
          r.rolledBack() == null ? "-" : oneLine(r.rolledBack()),
          Age.since(r.createdAt(), now));
    }
    return Cluster.qualified(history.deployment()) + "\n" + table.render();
  }

  /** One revision's template, then what changed from the revision before it. */
  static String revision(RevisionHistory history, Revision revision) {
    StringBuilder out = new StringBuilder();
    out.append(Cluster.qualified(history.deployment()))
        .append(" with revision #")
        .append(revision.number())
        .append('\n');
    if (revision.changeCause() != null) {
      out.append("Change cause: ").append(oneLine(revision.changeCause())).append('\n');
    }
    if (revision.rolledBack() != null) {
      out.append("Rolled back: ").append(oneLine(revision.rolledBack())).append('\n');
    }
    out.append("Pod template:\n").append(indent(template(revision)));
    Optional<Revision> previous = history.before(revision);
    if (previous.isEmpty()) {
      out.append("\nNo earlier revision to compare with.\n");
      return out.toString();
    }
    String diff =
        UnifiedDiff.of(
            "revision " + previous.get().number(),
            template(previous.get()),
            "revision " + revision.number(),
            template(revision));
    out.append("\nChanges from revision #").append(previous.get().number()).append(":\n");
    out.append(diff.isEmpty() ? "(none: the same template)\n" : diff);
    return out.toString();
  }

  static String template(Revision revision) {
    return revision.template() == null
        ? "<no template stored in " + revision.name() + ">\n"
        : OutputFormat.yaml(revision.template());
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
