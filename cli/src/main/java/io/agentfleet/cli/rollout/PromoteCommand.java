package io.agentfleet.cli.rollout;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.StrategyType;
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
    name = "promote",
    mixinStandardHelpOptions = true,
    header = "Go on from a canary pause to the next step.",
    description =
        "End the current canary pause and go on to the next step (sets the"
            + " agentfleet.io/promote annotation to the current time).")
final class PromoteCommand implements Callable<Integer> {

  private final Clock clock;

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  PromoteCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      check(c.get(name));
      // Millisecond precision: two promotions in one second must still be two new values.
      String value = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
      Patches.applyMerge(
          c,
          name,
          Patches.merge(
              TextNode.valueOf(value),
              "metadata",
              "annotations",
              AgentDeploymentAnnotations.PROMOTE));
      spec.commandLine().getOut().println(Cluster.qualified(name) + " promoted");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /**
   * Promoting only at a canary pause: the operator acts on a new annotation value at the next pause
   * it reaches, so a promotion sent early would silently skip a pause nobody had looked at.
   */
  private void check(AgentDeployment deployment) {
    String quoted = Cluster.RESOURCE + " \"" + name + "\"";
    var spec = deployment.getSpec();
    if (spec.getStrategy() == null || spec.getStrategy().getType() != StrategyType.CANARY) {
      throw new CommandFailure(quoted + " does not use the Canary strategy: nothing to promote");
    }
    if (Boolean.TRUE.equals(spec.getPaused())) {
      throw new CommandFailure(
          quoted + " is paused by spec.paused: run kubectl agents rollout resume " + name);
    }
    var status = deployment.getStatus();
    String phase =
        status == null || status.getRollout() == null ? null : status.getRollout().getPhase();
    if (!RolloutPhase.Paused.is(phase)) {
      throw new CommandFailure(
          quoted
              + " is not at a canary pause (rollout phase "
              + (phase == null ? "unknown" : phase)
              + "): nothing to promote");
    }
  }
}
