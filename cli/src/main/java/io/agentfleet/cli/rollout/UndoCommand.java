package io.agentfleet.cli.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.CommandFailure;
import io.agentfleet.cli.revision.Revision;
import io.agentfleet.cli.revision.RevisionHistory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "undo",
    mixinStandardHelpOptions = true,
    header = "Roll back to an earlier revision's pod template.",
    description =
        "Roll back: copy a revision's pod template into spec.template. The operator"
            + " then rolls the workers over to it, draining the current ones.")
final class UndoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  @Option(
      names = "--to-revision",
      paramLabel = "N",
      description =
          "The revision to go back to (default: the newest revision before the current one"
              + " that was not rolled back automatically).")
  long toRevision;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Cluster c = cluster.connect()) {
      AgentDeployment deployment = c.get(name);
      RevisionHistory history = RevisionHistory.read(c, name);
      JsonNode specTemplate = RevisionHistory.canonical(deployment.getSpec().getTemplate());
      String updateRevision =
          deployment.getStatus() == null ? null : deployment.getStatus().getUpdateRevision();
      Revision current = history.current(specTemplate, updateRevision).orElse(null);
      Revision target = history.undoTarget(current, toRevision);
      if (target.template() == null) {
        throw new CommandFailure(
            "revision " + target.number() + " (" + target.name() + ") stores no pod template");
      }
      if (target.template().equals(specTemplate)) {
        out.println(
            Cluster.qualified(name)
                + " skipped rollback (current template already matches revision "
                + target.number()
                + ")");
        out.flush();
        return 0;
      }
      if (target.rolledBack() != null) {
        err.println(
            "warning: revision "
                + target.number()
                + " was rolled back automatically before: "
                + target.rolledBack());
        err.flush();
      }
      Patches.applyJson(c, name, Patches.replaceTemplate(target.template()));
      out.println(Cluster.qualified(name) + " rolled back to revision " + target.number());
      out.flush();
      return 0;
    }
  }
}
