package io.agentfleet.cli.status;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.agentfleet.api.v1alpha1.WorkerStatusEndpoint;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.ClusterOptions;
import io.agentfleet.cli.output.OutputFormat;
import io.agentfleet.cli.output.OutputFormatConverter;
import io.agentfleet.cli.revision.Revision;
import io.agentfleet.cli.revision.RevisionHistory;
import io.agentfleet.cli.rollout.RolloutProgress;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show the workers: revision, state, calls, load, age.",
    description =
        "Show an AgentDeployment's workers: revision, state, calls, load and age of"
            + " each. Calls and load come from each worker's /worker endpoint through the API"
            + " server's pod proxy (RBAC: get pods/proxy); \"-\" where that cannot be read.")
public final class StatusCommand implements Callable<Integer> {

  private final Clock clock;

  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "NAME", description = "The AgentDeployment.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      converter = OutputFormatConverter.class,
      description = "json or yaml instead of the table.")
  OutputFormat output = OutputFormat.TABLE;

  @Option(
      names = "--worker-timeout",
      paramLabel = "SECONDS",
      defaultValue = "3",
      description = "How long to wait for the workers' reports (default: ${DEFAULT-VALUE}).")
  int workerTimeout;

  @Option(
      names = "--status-address-annotation",
      description =
          "Where the API server's pod proxy cannot reach a worker, ask the address in its pod's"
              + " agentfleet.io/status-address annotation directly (the sandbox, whose pods are"
              + " local processes). Off by default: anyone who may create an AgentDeployment can"
              + " put any address there.")
  boolean statusAddressAnnotation;

  public StatusCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster c = cluster.connect()) {
      AgentDeployment deployment = c.get(name);
      RevisionHistory history = RevisionHistory.read(c, name);
      List<Pod> pods =
          c.client()
              .pods()
              .inNamespace(c.namespace())
              .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
              .list()
              .getItems();
      Map<String, Optional<WorkerReport>> reports =
          new WorkerReader(c.client(), Duration.ofSeconds(workerTimeout), statusAddressAnnotation)
              .reports(c.namespace(), pods, port(deployment));
      FleetStatus fleet = fleet(deployment, history, pods, reports);
      out.print(
          output == OutputFormat.TABLE
              ? FleetView.render(fleet, clock.instant())
              : output.document(fleet));
      out.flush();
      return 0;
    }
  }

  static FleetStatus fleet(
      AgentDeployment deployment,
      RevisionHistory history,
      List<Pod> pods,
      Map<String, Optional<WorkerReport>> reports) {
    List<Worker> workers = new ArrayList<>();
    for (Pod pod : pods) {
      Optional<WorkerReport> report =
          reports.getOrDefault(pod.getMetadata().getName(), Optional.empty());
      String hash =
          pod.getMetadata().getLabels() == null
              ? null
              : pod.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION);
      workers.add(
          new Worker(
              pod.getMetadata().getName(),
              history.hash(hash).map(r -> String.valueOf(r.number())).orElse(hash),
              WorkerState.of(pod, report).label(),
              report.map(WorkerReport::activeJobs).orElse(null),
              report.map(WorkerReport::load).orElse(null),
              pod.getMetadata().getCreationTimestamp(),
              pod.getSpec() == null ? null : pod.getSpec().getNodeName()));
    }
    workers.sort(Comparator.comparing(Worker::name));
    AgentDeploymentStatus status =
        deployment.getStatus() == null ? new AgentDeploymentStatus() : deployment.getStatus();
    RolloutStatus rollout = status.getRollout() == null ? new RolloutStatus() : status.getRollout();
    String update =
        history
            .named(status.getUpdateRevision())
            .map(Revision::number)
            .map(String::valueOf)
            .orElse(status.getUpdateRevision());
    return new FleetStatus(
        deployment.getMetadata().getName(),
        deployment.getMetadata().getNamespace(),
        status.getDesiredReplicas(),
        status.getReadyReplicas(),
        status.getActiveJobs(),
        status.getLoad(),
        update,
        rollout.getPhase(),
        detail(
            rollout,
            RolloutProgress.canary(deployment.getSpec())
                && !RolloutPhase.Completed.is(rollout.getPhase())),
        rollout.getMessage(),
        workers);
  }

  /** Canary position and old workers still draining, when there are any. */
  private static String detail(RolloutStatus rollout, boolean canary) {
    List<String> parts = new ArrayList<>();
    if (canary && rollout.getStep() != null) {
      parts.add("step " + (rollout.getStep() + 1));
    }
    if (canary && rollout.getWeight() != null) {
      parts.add("weight " + rollout.getWeight() + "%");
    }
    if (rollout.getDrainingOldWorkers() != null && rollout.getDrainingOldWorkers() > 0) {
      parts.add(
          rollout.getDrainingOldWorkers()
              + " old draining with "
              + (rollout.getDrainingOldCalls() == null ? 0 : rollout.getDrainingOldCalls())
              + " calls");
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static int port(AgentDeployment deployment) {
    return deployment.getSpec() == null
        ? WorkerStatusEndpoint.DEFAULT_PORT
        : deployment.getSpec().workerStatusPort();
  }
}
