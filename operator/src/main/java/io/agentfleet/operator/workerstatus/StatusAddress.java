package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.operator.workers.PodRenderer;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.Optional;

/**
 * Where a worker pod's status endpoint is: the pod IP and {@code spec.workerStatus.port}, unless
 * the pod carries {@link #ANNOTATION} ("host:port"). The sandbox's simulated kubelet runs every pod
 * on 127.0.0.1 with a port of its own and says so through that annotation.
 */
public final class StatusAddress {

  public static final String ANNOTATION = AgentDeploymentAnnotations.STATUS_ADDRESS;

  private StatusAddress() {}

  public static Optional<URI> workerUrl(AgentDeployment deployment, Pod pod) {
    String override =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(ANNOTATION);
    if (override != null && !override.isBlank()) {
      return Optional.of(URI.create("http://" + override.trim() + "/worker"));
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
}
