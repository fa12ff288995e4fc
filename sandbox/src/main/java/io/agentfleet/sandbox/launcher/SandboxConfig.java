package io.agentfleet.sandbox.launcher;

import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.RestartBackoff;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where things are and which ports to use (0: any free one).
 *
 * @param workdir logs, the kubeconfig, the control plane's files and the call ledger go here
 * @param crd the AgentDeployment CRD users install
 * @param deploy the folder of {@code namespace.yaml} and {@code rbac.yaml}: the operator runs as
 *     the ServiceAccount they define, with their ClusterRole
 * @param apiPort the Kubernetes API server's port
 * @param extraImages image rules tried before the built-in worker rule
 * @param operatorProperties system properties for the operator's JVM (e.g. a shorter resync)
 */
public record SandboxConfig(
    Path workdir,
    Path crd,
    Path deploy,
    Path operatorJar,
    Path workerJar,
    int apiPort,
    int livekitPort,
    int operatorHttpPort,
    RestartBackoff backoff,
    List<ImageRule> extraImages,
    Map<String, String> operatorProperties) {

  public static final String API_KEY = "devkey";

  /** Long enough for HS256 as the operator's webhook check and newer LiveKit servers want it. */
  public static final String API_SECRET = "sandbox-secret-long-enough-for-hs256-signing";

  public static final String CREDENTIALS_SECRET = "livekit";

  public SandboxConfig {
    extraImages = List.copyOf(extraImages);
    operatorProperties = Map.copyOf(operatorProperties);
  }

  public SandboxConfig(
      Path workdir,
      Path crd,
      Path deploy,
      Path operatorJar,
      Path workerJar,
      int apiPort,
      int livekitPort,
      int operatorHttpPort,
      RestartBackoff backoff,
      List<ImageRule> extraImages) {
    this(
        workdir,
        crd,
        deploy,
        operatorJar,
        workerJar,
        apiPort,
        livekitPort,
        operatorHttpPort,
        backoff,
        extraImages,
        Map.of());
  }
}
