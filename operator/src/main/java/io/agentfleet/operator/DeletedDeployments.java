package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.dashboard.Board;
import io.agentfleet.operator.metrics.FleetMetrics;
import io.agentfleet.operator.redispatch.RedispatchStep;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Drops what the operator keeps of an AgentDeployment in memory when it is deleted: its metrics and
 * the autoscaler's memory and expected calls. The reconciler is not called for a deletion (it has
 * no cleanup: the pods go by owner references), so without this its gauges would keep their last
 * values and its state would stay until the operator restarts. Watches the namespaces the
 * controller watches.
 */
@ApplicationScoped
public class DeletedDeployments {

  private static final Logger LOG = Logger.getLogger(DeletedDeployments.class);

  private final KubernetesClient client;
  private final FleetMetrics metrics;
  private final Board board;
  private final AutoscaleStep autoscale;
  private final RedispatchStep redispatch;
  private final String namespaces;
  private final List<SharedIndexInformer<AgentDeployment>> informers = new ArrayList<>();

  DeletedDeployments(
      KubernetesClient client,
      FleetMetrics metrics,
      Board board,
      AutoscaleStep autoscale,
      RedispatchStep redispatch,
      @ConfigProperty(
              name = "quarkus.operator-sdk.controllers.agentdeployment.namespaces",
              defaultValue = "JOSDK_ALL_NAMESPACES")
          String namespaces) {
    this.client = client;
    this.metrics = metrics;
    this.board = board;
    this.autoscale = autoscale;
    this.redispatch = redispatch;
    this.namespaces = namespaces;
  }

  void start(@Observes StartupEvent started) {
    ResourceEventHandler<AgentDeployment> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(AgentDeployment deployment) {}

          @Override
          public void onUpdate(AgentDeployment before, AgentDeployment after) {}

          @Override
          public void onDelete(AgentDeployment deployment, boolean finalStateUnknown) {
            String namespace = deployment.getMetadata().getNamespace();
            String name = deployment.getMetadata().getName();
            metrics.forget(namespace, name);
            board.forget(namespace, name, deployment.getMetadata().getUid());
            autoscale.deleted(namespace, name, deployment.getMetadata().getUid());
            redispatch.forget(deployment);
          }
        };
    var deployments = client.resources(AgentDeployment.class);
    String setting = namespaces.strip();
    List<SharedIndexInformer<AgentDeployment>> toStart = new ArrayList<>();
    if (setting.equals("JOSDK_ALL_NAMESPACES")) {
      toStart.add(deployments.inAnyNamespace().runnableInformer(0));
    } else {
      List<String> names =
          setting.equals("JOSDK_WATCH_CURRENT")
              ? List.of(client.getNamespace())
              : Arrays.stream(setting.split(",")).map(String::strip).toList();
      for (String namespace : names) {
        toStart.add(deployments.inNamespace(namespace).runnableInformer(0));
      }
    }
    for (SharedIndexInformer<AgentDeployment> informer : toStart) {
      informer.addEventHandler(handler);
      // Not waited for: the controller's own start reports an API server that is not there.
      informer
          .start()
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  LOG.warnf(
                      "deleted deployments' metrics stay until a restart: %s",
                      failure.getMessage());
                }
              });
      informers.add(informer);
    }
  }

  void stop(@Observes ShutdownEvent stopping) {
    informers.forEach(SharedIndexInformer::close);
  }
}
