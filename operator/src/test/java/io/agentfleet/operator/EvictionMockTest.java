package io.agentfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.operator.workers.DisruptionBudgets;
import io.agentfleet.operator.workers.FleetWriter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The eviction annotations follow each worker's calls: anything that removes pods (the cluster
 * autoscaler, a controller scaling down by deletion cost) prefers idle workers.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EvictionMockTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;

  MockCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = MockCluster.withWorkers(client, "ev");
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void podDeletionCostFollowsCallsAndIsWrittenOnlyOnChange() {
    cluster.create(SampleDeployments.ourWorker("cost", 2, "agent:1"));
    await().atMost(WAIT).until(() -> workersOf("cost").size() == 2);
    List<String> pods = workersOf("cost");
    String busy = pods.get(0);
    String idle = pods.get(1);
    cluster.kubelet().worker(busy).report(3, 0.6);
    cluster.kubelet().worker(idle).report(0, 0.0);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(annotations(busy))
                  .containsEntry(FleetWriter.POD_DELETION_COST, "3")
                  .containsEntry(FleetWriter.SAFE_TO_EVICT, "false");
              assertThat(annotations(idle))
                  .containsEntry(FleetWriter.POD_DELETION_COST, "0")
                  .containsEntry(FleetWriter.SAFE_TO_EVICT, "true");
            });
    // Written as a patch of these keys alone: the pod's own labels stay.
    Map<String, String> labels =
        client.pods().inNamespace(cluster.namespace).withName(busy).get().getMetadata().getLabels();
    assertThat(labels)
        .containsEntry(DisruptionBudgets.BUSY, "true")
        .containsEntry(AgentDeploymentLabels.DEPLOYMENT, "cost")
        .containsKey(AgentDeploymentLabels.REVISION);

    // Reports that say the same leave the pods untouched, round after round.
    Map<String, String> versions = resourceVersions(pods);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(resourceVersions(pods)).isEqualTo(versions));

    cluster.kubelet().worker(busy).report(1, 0.2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(annotations(busy))
                    .containsEntry(FleetWriter.POD_DELETION_COST, "1")
                    .containsEntry(FleetWriter.SAFE_TO_EVICT, "false"));
  }

  private List<String> workersOf(String name) {
    return cluster.pods(name).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName())
        .filter(p -> cluster.kubelet().worker(p) != null)
        .sorted()
        .toList();
  }

  private Map<String, String> annotations(String pod) {
    Pod p = client.pods().inNamespace(cluster.namespace).withName(pod).get();
    return p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
  }

  private Map<String, String> resourceVersions(List<String> pods) {
    return pods.stream()
        .collect(
            Collectors.toMap(
                p -> p,
                p ->
                    client
                        .pods()
                        .inNamespace(cluster.namespace)
                        .withName(p)
                        .get()
                        .getMetadata()
                        .getResourceVersion()));
  }
}
