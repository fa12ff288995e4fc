package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.function.Consumer;

/**
 * One test's namespace on the mock API server, with the reads and writes the operator tests share:
 * what a user does with kubectl, and what they look at afterwards.
 */
final class MockCluster {

  final KubernetesClient client;
  final String namespace;
  private TestingKubelet kubelet;

  MockCluster(KubernetesClient client, String prefix) {
    this.client = client;
    this.namespace = prefix + "-" + Long.toHexString(System.nanoTime());
  }

  /**
   * A namespace with the LiveKit credentials Secret {@code livekit} and a kubelet whose pods serve
   * scripted worker status: where the autoscaling and rollout tests start.
   */
  static MockCluster withWorkers(KubernetesClient client, String prefix) {
    MockCluster cluster = new MockCluster(client, prefix);
    cluster.kubelet = new TestingKubelet(client, cluster.namespace, true);
    cluster.createCredentials("livekit", "s1");
    return cluster;
  }

  TestingKubelet kubelet() {
    return kubelet;
  }

  /** Stops the kubelet, then removes what deleting the namespace would. */
  void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    deleteEverything();
  }

  /** The LiveKit credentials Secret the AgentDeployments refer to. */
  void createCredentials(String name, String apiSecret) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("api-key", "devkey")
                .addToStringData("api-secret", apiSecret)
                .build())
        .create();
  }

  void create(AgentDeployment d) {
    d.getMetadata().setNamespace(namespace);
    client.resources(AgentDeployment.class).inNamespace(namespace).resource(d).create();
  }

  AgentDeployment get(String name) {
    return client.resources(AgentDeployment.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * Read-modify-write with a retry on conflict, as kubectl edit does when the operator wrote the
   * status meanwhile.
   */
  void mutate(String name, Consumer<AgentDeployment> change) {
    for (int attempt = 0; ; attempt++) {
      AgentDeployment d = get(name);
      change.accept(d);
      try {
        client.resources(AgentDeployment.class).inNamespace(namespace).resource(d).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 20) {
          throw e;
        }
      }
    }
  }

  void setImage(String name, String image) {
    mutate(name, d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image));
  }

  List<Pod> pods(String name) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems();
  }

  List<ControllerRevision> revisions(String name) {
    return client
        .apps()
        .controllerRevisions()
        .inNamespace(namespace)
        .withLabel(AgentDeploymentLabels.DEPLOYMENT, name)
        .list()
        .getItems();
  }

  List<Event> events() {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  List<String> eventReasons() {
    return events().stream().map(Event::getReason).toList();
  }

  List<String> eventMessages(String reason) {
    return events().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  /** The mock server has no garbage collector: remove what a deletion would cascade to. */
  void deleteEverything() {
    client.resources(AgentDeployment.class).inNamespace(namespace).delete();
    client.pods().inNamespace(namespace).delete();
    client.apps().controllerRevisions().inNamespace(namespace).delete();
  }
}
