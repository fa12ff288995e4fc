package io.agentfleet.cli.rollout;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    header = "Manage rollouts: status, history, undo, pause, resume, promote, restart.",
    description = "Manage the rollout of an AgentDeployment, as kubectl rollout does a Deployment.",
    subcommands = {
      RolloutStatusCommand.class,
      HistoryCommand.class,
      UndoCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      PromoteCommand.class,
      RestartCommand.class
    })
public final class RolloutCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a rollout command is required");
  }
}
