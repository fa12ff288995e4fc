package io.agentfleet.sandbox.launcher;

import io.agentfleet.controlplane.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator's identity, installed as users install it: {@code deploy/namespace.yaml} and {@code
 * deploy/rbac.yaml} (the ServiceAccount, its ClusterRole and the leader-election Role), then a
 * kubeconfig with a token of that ServiceAccount. So the sandbox's operator can do exactly what the
 * published RBAC grants, and a verb missing from it fails here as it would on a cluster.
 */
record OperatorAccount(Path kubeconfig) {
  static final String NAMESPACE = "agentfleet-system";
  static final String SERVICE_ACCOUNT = "agentfleet-operator";

  /**
   * A token for the whole run: the control plane's store is new at every start, so it cannot
   * outlive the sandbox that made it.
   */
  static final Duration TOKEN_LIFETIME = Duration.ofDays(365);

  static OperatorAccount install(ControlPlane plane, Path deployDir, Path kubeconfig)
      throws IOException {
    KubernetesClient admin = plane.admin();
    for (String file : List.of("namespace.yaml", "rbac.yaml")) {
      Path manifest = deployDir.resolve(file);
      if (!Files.isRegularFile(manifest)) {
        throw new IOException(
            manifest + " is missing: the sandbox installs the operator's RBAC from deploy/");
      }
      try (InputStream in = Files.newInputStream(manifest)) {
        for (HasMetadata object : admin.load(in).items()) {
          admin
              .resource(object)
              .fieldManager("agentfleet-sandbox")
              .forceConflicts()
              .serverSideApply();
        }
      }
    }
    String token = plane.serviceAccountToken(NAMESPACE, SERVICE_ACCOUNT, TOKEN_LIFETIME);
    return new OperatorAccount(plane.writeKubeconfig(kubeconfig, token));
  }

  /**
   * The environment the operator's Deployment gives it: its kubeconfig, and its own namespace (the
   * downward API's {@code KUBERNETES_NAMESPACE}), where leader election keeps its Lease.
   */
  Map<String, String> env() {
    return Map.of(
        "KUBECONFIG", kubeconfig.toAbsolutePath().toString(), "KUBERNETES_NAMESPACE", NAMESPACE);
  }
}
