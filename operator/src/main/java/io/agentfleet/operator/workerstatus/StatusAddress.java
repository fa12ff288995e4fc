package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.operator.workers.PodRenderer;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * Where a worker pod's status endpoint is: the pod IP and {@code spec.workerStatus.port}.
 *
 * <p>The pod annotation {@link #ANNOTATION} ("host:port") is obeyed only when the operator is
 * configured to ({@code agentfleet.operator.status-address-annotation=true}), as the sandbox is:
 * its simulated kubelet runs every pod on 127.0.0.1 with a port of its own and says so through that
 * annotation. Obeyed by default, it would let anyone who may create an AgentDeployment make the
 * cluster-wide operator request any address every second. Even when it is on, the annotation is
 * ignored while the deployment's own template carries it: the pod inherited it from the user, not
 * from the node that runs it.
 */
public final class StatusAddress {

  public static final String ANNOTATION = AgentDeploymentAnnotations.STATUS_ADDRESS;

  /** The setting, as a property name (env: AGENTFLEET_OPERATOR_STATUS_ADDRESS_ANNOTATION). */
  public static final String SETTING = "agentfleet.operator.status-address-annotation";

  private StatusAddress() {}

  /**
   * @param annotationAllowed whether {@link #ANNOTATION} on the pod may name the address
   * @return empty while the pod has no IP (and no address it may use)
   */
  public static Optional<URI> workerUrl(
      AgentDeployment deployment, Pod pod, boolean annotationAllowed) {
    if (annotationAllowed && !templateCarriesAnnotation(deployment)) {
      String override = annotations(pod).get(ANNOTATION);
      if (override != null && !override.isBlank()) {
        // A malformed address leaves the worker unknown rather than failing the reconcile.
        return hostPort(override.trim());
      }
    }
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      return Optional.empty();
    }
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return Optional.of(
        URI.create(
            "http://" + host + ":" + PodRenderer.statusPort(deployment.getSpec()) + "/worker"));
  }

  private static boolean templateCarriesAnnotation(AgentDeployment deployment) {
    var spec = deployment.getSpec();
    if (spec == null || spec.getTemplate() == null || spec.getTemplate().getMetadata() == null) {
      return false;
    }
    Map<String, String> a = spec.getTemplate().getMetadata().getAnnotations();
    return a != null && a.containsKey(ANNOTATION);
  }

  private static Map<String, String> annotations(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  /** Only "host:port": anything more (a path, credentials, a query) is not an address. */
  static Optional<URI> hostPort(String value) {
    try {
      URI uri = new URI("http://" + value + "/worker");
      boolean plain =
          uri.getHost() != null
              && uri.getPort() >= 1
              && uri.getUserInfo() == null
              && "/worker".equals(uri.getPath())
              && uri.getQuery() == null
              && uri.getFragment() == null;
      return plain ? Optional.of(uri) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
