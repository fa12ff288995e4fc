package io.agentfleet.cli.rollout;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.CommandFailure;
import io.agentfleet.cli.KubectlAgents;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show the rollout's progress; -w follows it until it finishes.",
    description =
        "Show the rollout's progress. Exits 0 when the rollout of the current spec completed,"
            + " 1 when it failed or was rolled back, 3 when it has not finished (yet).")
final class RolloutStatusCommand implements Callable<Integer> {

  static final Duration POLL = Duration.ofSeconds(1);

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Watch and print each change of progress until the rollout finishes.")
  boolean watch;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Timeout.class,
      defaultValue = "0",
      description = "With -w, give up after this long (e.g. 30s, 5m; 0: never), exit 3.")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster c = cluster.connect()) {
      RolloutProgress progress = RolloutProgress.of(c.get(name));
      if (watch && !progress.finished()) {
        progress = watch(c, progress, out);
        if (!progress.finished()) {
          return report(progress.message(), KubectlAgents.NOT_FINISHED);
        }
      } else if (!progress.finished()) {
        out.println(progress.message());
        out.flush();
      }
      return switch (progress.outcome()) {
        case COMPLETE -> {
          out.println(progress.message());
          out.flush();
          yield KubectlAgents.OK;
        }
        case FAILED -> report(progress.message(), KubectlAgents.FAILED);
        case IN_PROGRESS -> KubectlAgents.NOT_FINISHED;
      };
    }
  }

  /**
   * Reads the AgentDeployment every {@link #POLL} and prints each new message once. Polling rather
   * than a watch: a person is waiting on a rollout of minutes to an hour, so a second of delay
   * costs nothing, and a plain GET survives proxies, dropped connections and API servers (the
   * Fabric8 mock server on JDK 25) where a long-lived watch does not. An API server that fails for
   * a moment (5xx, a reset connection) is asked again at the next poll.
   */
  private RolloutProgress watch(Cluster c, RolloutProgress first, PrintWriter out)
      throws InterruptedException {
    long start = System.nanoTime();
    RolloutProgress progress = first;
    out.println(progress.message());
    out.flush();
    while (!progress.finished()) {
      // Elapsed time, not a deadline: nanoTime may be negative, so start + timeout can overflow.
      long left =
          timeout.isZero() ? POLL.toNanos() : timeout.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        return new RolloutProgress(
            RolloutProgress.Outcome.IN_PROGRESS,
            "timed out after " + timeout.toSeconds() + "s waiting for the rollout to finish");
      }
      Thread.sleep(Math.min(POLL.toMillis(), TimeUnit.NANOSECONDS.toMillis(left) + 1));
      AgentDeployment deployment;
      try {
        deployment = c.deployment(name).get();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 0 || e.getCode() >= 500) {
          continue;
        }
        throw e;
      }
      if (deployment == null) {
        throw new CommandFailure(
            Cluster.RESOURCE + " \"" + name + "\" was deleted during the rollout");
      }
      RolloutProgress next = RolloutProgress.of(deployment);
      if (!next.finished() && !next.message().equals(progress.message())) {
        out.println(next.message());
        out.flush();
      }
      progress = next;
    }
    return progress;
  }

  private int report(String error, int exitCode) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: " + error);
    err.flush();
    return exitCode;
  }
}
