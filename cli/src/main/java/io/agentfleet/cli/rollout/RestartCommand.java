package io.agentfleet.cli.rollout;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.CommandFailure;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    header = "Replace every worker, draining the current ones.",
    description =
        "Replace every worker with a fresh one, draining the current ones: stamps the"
            + " agentfleet.io/restartedAt annotation of spec.template, which makes a new"
            + " revision.")
final class RestartCommand implements Callable<Integer> {

  private final Clock clock;

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  RestartCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      if (Boolean.TRUE.equals(c.get(name).getSpec().getPaused())) {
        // As kubectl: a restart of a paused rollout would wait unseen until someone resumes it.
        throw new CommandFailure(
            "can't restart paused "
                + Cluster.RESOURCE
                + " \""
                + name
                + "\" (run kubectl agents rollout resume "
                + name
                + " first)");
      }
      String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
      Patches.applyMerge(
          c,
          name,
          Patches.merge(
              TextNode.valueOf(now),
              "spec",
              "template",
              "metadata",
              "annotations",
              AgentDeploymentAnnotations.RESTARTED_AT));
      spec.commandLine().getOut().println(Cluster.qualified(name) + " restarted");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
