package io.agentfleet.operator;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;

/** The AgentDeployment the operator's tests start from, each tier tuning what it looks at. */
public final class SampleDeployments {
  private SampleDeployments() {}

  /**
   * Our worker's status format, one container named "agent", LiveKit at ws://127.0.0.1:7880 with
   * the credentials Secret "livekit"; no namespace (the caller's client sets it).
   */
  public static AgentDeployment ourWorker(String name, int replicas, String image) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName(name);
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setLivekit(new LiveKitConnection("ws://127.0.0.1:7880", "livekit"));
    spec.getWorkerStatus().setFormat(WorkerStatusFormat.AGENTFLEET);
    spec.setReplicas(replicas);
    spec.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage(image)
            .endContainer()
            .endSpec()
            .build());
    d.setSpec(spec);
    return d;
  }
}
