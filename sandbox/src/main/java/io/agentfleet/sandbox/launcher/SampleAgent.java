package io.agentfleet.sandbox.launcher;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Locale;

/**
 * The AgentDeployment the sandbox starts with: a hold agent (a call lasts as long as the dispatch
 * asks) in one of the three SDKs, scaling on jobs rather than CPU because the sandbox's two cores
 * are shared by everything.
 */
public final class SampleAgent {
  private SampleAgent() {}

  /** Which worker the sample fleet runs, and how it is configured for the hold agent. */
  public enum Sdk {
    /** Our Java worker: its built-in hold agent, 10 jobs a worker, load from jobs. */
    JAVA(
        WorkerImage.IMAGE,
        "agentfleet",
        """
                  args: ["start"]
                  env:
                    - name: AGENTFLEET_AGENT
                      value: hold
                    - name: AGENTFLEET_MAX_JOBS
                      value: "10"
                    - name: AGENTFLEET_LOAD_FUNCTION
                      value: jobs
        """),
    /** {@code examples/python-agent} on Python {@code livekit-agents}. */
    PYTHON("agentfleet/python-agent", "auto", Sdk.EXAMPLE_AGENT_ENV),
    /** {@code examples/node-agent} on Node {@code @livekit/agents}. */
    NODE("agentfleet/node-agent", "auto", Sdk.EXAMPLE_AGENT_ENV);

    /** The example agents read the same settings: their agent name, and load from jobs. */
    private static final String EXAMPLE_AGENT_ENV =
        """
                  env:
                    - name: AGENT_NAME
                      value: %1$s
                    - name: AGENTFLEET_MAX_JOBS
                      value: "10"
                    - name: AGENTFLEET_LOAD_FUNCTION
                      value: jobs
        """;

    private final String image;
    private final String statusFormat;
    private final String containerTail;

    Sdk(String image, String statusFormat, String containerTail) {
      this.image = image;
      this.statusFormat = statusFormat;
      this.containerTail = containerTail;
    }

    public String image() {
      return image;
    }

    /** {@code --agent}'s spelling. */
    public static Sdk parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--agent wants java, python or node; got " + name, e);
      }
    }
  }

  public static String yaml(String name, String livekitUrl, int replicas) {
    return yaml(name, livekitUrl, replicas, false);
  }

  public static String yaml(String name, String livekitUrl, int replicas, boolean autoscale) {
    return yaml(name, livekitUrl, replicas, autoscale, Sdk.JAVA);
  }

  /**
   * @param autoscale let the operator size the fleet on the workers' load (aiming at half load, one
   *     idle worker in reserve, scaling down after 30 quiet seconds) between 1 and 8 workers
   */
  public static String yaml(
      String name, String livekitUrl, int replicas, boolean autoscale, Sdk sdk) {
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
            format: %7$s
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
        """
            .formatted(
                name,
                livekitUrl,
                SandboxConfig.CREDENTIALS_SECRET,
                replicas,
                sdk.image,
                autoscaling,
                sdk.statusFormat)
        + sdk.containerTail.formatted(name);
  }

  public static AgentDeployment deployment(String name, String livekitUrl, int replicas) {
    return deployment(name, livekitUrl, replicas, false);
  }

  public static AgentDeployment deployment(
      String name, String livekitUrl, int replicas, boolean autoscale) {
    return deployment(name, livekitUrl, replicas, autoscale, Sdk.JAVA);
  }

  public static AgentDeployment deployment(
      String name, String livekitUrl, int replicas, boolean autoscale, Sdk sdk) {
    return Serialization.unmarshal(
        yaml(name, livekitUrl, replicas, autoscale, sdk), AgentDeployment.class);
  }
}
