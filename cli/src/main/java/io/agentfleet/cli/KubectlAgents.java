package io.agentfleet.cli;

import io.agentfleet.cli.rollout.RolloutCommand;
import io.agentfleet.cli.status.StatusCommand;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/** {@code kubectl agents}: the Agentfleet kubectl plugin. */
@Command(
    name = "kubectl agents",
    mixinStandardHelpOptions = true,
    versionProvider = KubectlAgents.Version.class,
    description = "Roll out, roll back and inspect Agentfleet AgentDeployments.",
    subcommands = {RolloutCommand.class, StatusCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  done (for rollout status: the rollout completed)",
      "  1  error, or the rollout failed or was rolled back",
      "  2  usage error",
      "  3  rollout status: not finished yet (without -w, or --timeout passed)"
    })
public final class KubectlAgents implements Runnable {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NOT_FINISHED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show what there is, as kubectl does, and count it as a usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(commandLine(Clock.systemUTC()).execute(args));
  }

  /**
   * The command line with its error handling; the clock stamps restarts and promotions and ages
   * objects.
   */
  public static CommandLine commandLine(Clock clock) {
    CommandLine cli = new CommandLine(new KubectlAgents(), new ClockFactory(clock));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          Object options = commandLine.getMixins().get("cluster");
          String server = options instanceof ClusterOptions o ? o.server() : null;
          err.println("error: " + describe(e, server));
          err.flush();
          return FAILED;
        });
    return cli;
  }

  /** What went wrong in one line a person can act on; Fabric8's messages carry whole URLs. */
  static String describe(Throwable e, String server) {
    if (e instanceof CommandFailure) {
      return e.getMessage();
    }
    if (e instanceof KubernetesClientException k) {
      if (k.getStatus() != null && k.getStatus().getMessage() != null) {
        return k.getStatus().getMessage();
      }
      for (Throwable cause = k.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
          return "cannot reach the Kubernetes API"
              + (server == null ? "" : " at " + server)
              + ": "
              + (cause.getMessage() != null
                  ? cause.getMessage()
                  : cause instanceof ConnectException ? "connection refused" : "unknown host");
        }
      }
      if (k.getCode() > 0) {
        return "the Kubernetes API answered " + k.getCode() + ": " + k.getMessage();
      }
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Gives commands with a {@code (Clock)} constructor the command line's clock. */
  private record ClockFactory(Clock clock) implements IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        var constructor = cls.getDeclaredConstructor(Clock.class);
        // Commands are package-private: only picocli creates them.
        constructor.setAccessible(true);
        return constructor.newInstance(clock);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = KubectlAgents.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl-agents " + (version == null ? "dev" : version)};
    }
  }
}
