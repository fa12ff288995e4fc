package io.agentfleet.cli.rollout;

import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.output.OutputFormat;
import io.agentfleet.cli.output.OutputFormatConverter;
import io.agentfleet.cli.revision.Revision;
import io.agentfleet.cli.revision.RevisionHistory;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    header = "List the revisions, or show one with a diff against the one before.",
    description =
        "List the revisions of an AgentDeployment, or show one revision's pod template"
            + " and what changed from the revision before it.")
final class HistoryCommand implements Callable<Integer> {

  private final Clock clock;

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  @Option(
      names = "--revision",
      paramLabel = "N",
      description = "Show revision N's template and a diff against the revision before it.")
  long revision;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      converter = OutputFormatConverter.class,
      description = "json or yaml: the revisions (with --revision: its pod template).")
  OutputFormat output = OutputFormat.TABLE;

  HistoryCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster c = cluster.connect()) {
      c.get(name);
      RevisionHistory history = RevisionHistory.read(c, name);
      if (revision > 0) {
        Revision chosen = history.find(revision);
        out.print(
            output == OutputFormat.TABLE
                ? HistoryView.revision(history, chosen)
                : output.document(chosen.template()));
      } else if (output != OutputFormat.TABLE) {
        out.print(output.document(history.revisions()));
      } else if (history.isEmpty()) {
        out.println("No rollout history found for " + Cluster.qualified(name) + ".");
      } else {
        out.print(HistoryView.table(history, clock.instant()));
      }
      out.flush();
      return 0;
    }
  }
}
