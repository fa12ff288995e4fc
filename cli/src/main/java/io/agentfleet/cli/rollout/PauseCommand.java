package io.agentfleet.cli.rollout;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.CommandFailure;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    header = "Pause the rollout (spec.paused).",
    description =
        "Pause the rollout (spec.paused = true): no worker is created or drained for it"
            + " until resumed. Calls in progress are not affected.")
final class PauseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      if (Boolean.TRUE.equals(c.get(name).getSpec().getPaused())) {
        throw new CommandFailure(Cluster.RESOURCE + " \"" + name + "\" is already paused");
      }
      Patches.applyMerge(c, name, Patches.merge(BooleanNode.TRUE, "spec", "paused"));
      spec.commandLine().getOut().println(Cluster.qualified(name) + " paused");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
