package io.agentfleet.sandbox.launcher;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The AgentDeployment the sandbox starts with: our Java worker running its hold agent (a call lasts
 * as long as the dispatch asks), scaling on jobs rather than CPU because the sandbox's two cores
 * are shared by everything.
 */
public final class SampleAgent {
  private SampleAgent() {}

  public static String yaml(String name, String livekitUrl, int replicas) {
    return yaml(name, livekitUrl, replicas, false);
  }

  /**
   * @param autoscale let the operator size the fleet on the workers' load (aiming at half load, one
   *     idle worker in reserve, scaling down after 30 quiet seconds) between 1 and 8 workers
   */
  public static String yaml(String name, String livekitUrl, int replicas, boolean autoscale) {
    String autoscaling =
        autoscale
            ? String.join(
                "\n",
                "  autoscaling:",
                "    enabled: true",
                "    minReplicas: 1",
                "    maxReplicas: 8",
                "    targetLoad: 0.5",
                "    idleWorkers: 1",
                "    scaleDown:",
                "      stabilizationSeconds: 30")
            : "";
    return """
        apiVersion: agentfleet.io/v1alpha1
        kind: AgentDeployment
        metadata:
          name: %1$s
        spec:
          agentName: %1$s
          livekit:
            url: %2$s
            credentialsSecret: %3$s
          replicas: %4$d
        %6$s
          workerStatus:
            port: 8081
            format: agentfleet
          drain:
            timeoutSeconds: 120
          template:
            metadata:
              labels:
                app.kubernetes.io/name: %1$s
            spec:
              containers:
                - name: worker
                  image: %5$s:dev
                  args: ["start"]
                  env:
                    - name: AGENTFLEET_AGENT
                      value: hold
                    - name: AGENTFLEET_MAX_JOBS
                      value: "10"
                    - name: AGENTFLEET_LOAD_FUNCTION
                      value: jobs
        """
        .formatted(
            name,
            livekitUrl,
            SandboxConfig.CREDENTIALS_SECRET,
            replicas,
            WorkerImage.IMAGE,
            autoscaling);
  }

  public static AgentDeployment deployment(String name, String livekitUrl, int replicas) {
    return deployment(name, livekitUrl, replicas, false);
  }

  public static AgentDeployment deployment(
      String name, String livekitUrl, int replicas, boolean autoscale) {
    return Serialization.unmarshal(
        yaml(name, livekitUrl, replicas, autoscale), AgentDeployment.class);
  }
}
