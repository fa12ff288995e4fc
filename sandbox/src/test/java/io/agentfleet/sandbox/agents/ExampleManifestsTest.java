package io.agentfleet.sandbox.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.sandbox.apiserver.TestControlPlane;
import io.agentfleet.sandbox.launcher.WorkerImage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples' AgentDeployments are what the CRD accepts (the real API server judges them) and say
 * what the agents read: the status port the SDKs serve, the drain the operator passes on.
 */
@ExtendWith(TestControlPlane.class)
class ExampleManifestsTest {

  @ParameterizedTest
  @ValueSource(strings = {"python-agent", "node-agent"})
  void theExampleAgentDeploymentIsAcceptedAsWritten(String example, ControlPlane plane)
      throws Exception {
    Path manifest = WorkerImage.repoRoot().resolve("examples/" + example + "/agentdeployment.yaml");
    NamespacedKubernetesClient client = TestControlPlane.namespace(plane, "example");
    AgentDeployment created;
    try (InputStream in = Files.newInputStream(manifest)) {
      created = client.resources(AgentDeployment.class).load(in).create();
    }
    AgentDeployment stored =
        client.resources(AgentDeployment.class).withName(created.getMetadata().getName()).get();

    assertThat(stored.getSpec().getAgentName()).isEqualTo(example);
    assertThat(stored.getSpec().getWorkerStatus().getFormat()).isEqualTo(WorkerStatusFormat.AUTO);
    // Both SDKs serve / and /worker on 8081 in production mode (PORT in these examples).
    assertThat(stored.getSpec().getWorkerStatus().getPort()).isEqualTo(8081);
    assertThat(stored.getSpec().getDrain().getTimeoutSeconds()).isEqualTo(600);
    assertThat(stored.getSpec().getAutoscaling().getEnabled()).isTrue();
    Container agent = stored.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/");
    // livekit-server offers a job only to a worker below its 0.7 target load: with load = calls /
    // slots, a worker is offered calls until it holds ceil(0.7 x slots); the autoscaler must not
    // plan with more per worker than that.
    int maxJobs =
        agent.getEnv().stream()
            .filter(e -> e.getName().equals("AGENTFLEET_MAX_JOBS"))
            .map(e -> Integer.parseInt(e.getValue()))
            .findFirst()
            .orElseThrow();
    int perWorker = stored.getSpec().getAutoscaling().getJobsPerWorker();
    assertThat(perWorker).isPositive().isLessThanOrEqualTo((int) Math.ceil(0.7 * maxJobs));
  }
}
