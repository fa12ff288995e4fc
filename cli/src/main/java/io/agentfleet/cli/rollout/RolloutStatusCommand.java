package io.agentfleet.cli.rollout;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.CommandFailure;
import io.agentfleet.cli.KubectlAgents;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
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
        "Show the rollout's progress. Exits 0 when the rollout of the current spec completed, 1 when it failed or was rolled back, 3 when it has not finished (yet).")
final class RolloutStatusCommand implements Callable<Integer> {

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
   * Follows the AgentDeployment with an informer (it lists, then watches from that version and
   * re-lists after a dropped watch, so no change is missed) and prints each new message once.
   */
  private RolloutProgress watch(Cluster c, RolloutProgress first, PrintWriter out)
      throws InterruptedException {
    BlockingQueue<Optional<AgentDeployment>> changes = new LinkedBlockingQueue<>();
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    RolloutProgress progress = first;
    out.println(progress.message());
    out.flush();
    try (SharedIndexInformer<AgentDeployment> informer =
        c.deployment(name).inform(new Changes(changes))) {
      while (!progress.finished()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return new RolloutProgress(
              RolloutProgress.Outcome.IN_PROGRESS,
              "timed out after " + timeout.toSeconds() + "s waiting for the rollout to finish");
        }
        Optional<AgentDeployment> change = changes.poll(left, TimeUnit.NANOSECONDS);
        if (change == null) {
          continue;
        }
        if (change.isEmpty()) {
          throw new CommandFailure(
              Cluster.RESOURCE + " \"" + name + "\" was deleted during the rollout");
        }
        RolloutProgress next = RolloutProgress.of(change.get());
        if (!next.finished() && !next.message().equals(progress.message())) {
          out.println(next.message());
          out.flush();
        }
        progress = next;
      }
      return progress;
    }
  }

  private int report(String error, int exitCode) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: " + error);
    err.flush();
    return exitCode;
  }

  private record Changes(BlockingQueue<Optional<AgentDeployment>> queue)
      implements ResourceEventHandler<AgentDeployment> {
    @Override
    public void onAdd(AgentDeployment obj) {
      queue.add(Optional.of(obj));
    }

    @Override
    public void onUpdate(AgentDeployment oldObj, AgentDeployment newObj) {
      queue.add(Optional.of(newObj));
    }

    @Override
    public void onDelete(AgentDeployment obj, boolean deletedFinalStateUnknown) {
      queue.add(Optional.empty());
    }
  }
}
