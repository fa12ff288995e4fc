package io.agentfleet.cli.status;

import static java.util.concurrent.CompletableFuture.completedFuture;

import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads each worker's {@code GET /worker} through the API server's pod proxy, the only way to a pod
 * from outside the cluster. Where that fails and the pod names its status server's address in
 * {@link AgentDeploymentAnnotations#STATUS_ADDRESS} (the sandbox runs pods as local processes and
 * has no proxy), that address is asked directly, without the cluster's credentials. Any other
 * failure (no RBAC for pods/proxy, an API server without a proxy, a pod that does not answer)
 * leaves that worker unknown, shown as "-": the status of the others is still worth printing.
 */
final class WorkerReader {

  private final KubernetesClient client;
  private final Duration wait;
  // A plain client: the annotation's address is not the API server, so no token may go there.
  private final java.net.http.HttpClient direct;
  private final boolean statusAddressAnnotation;

  /**
   * @param statusAddressAnnotation ask a pod's status-address annotation when the proxy fails; only
   *     on request, as a pod's annotations are whatever its AgentDeployment's author wrote
   */
  WorkerReader(KubernetesClient client, Duration wait, boolean statusAddressAnnotation) {
    this.client = client;
    this.wait = wait;
    this.statusAddressAnnotation = statusAddressAnnotation;
    this.direct = java.net.http.HttpClient.newBuilder().connectTimeout(wait).build();
  }

  /** All at once, then waits at most {@code wait} for the lot. */
  Map<String, Optional<WorkerReport>> reports(String namespace, List<Pod> pods, int port) {
    HttpClient http = client.getHttpClient();
    Map<String, CompletableFuture<Optional<WorkerReport>>> pending = new LinkedHashMap<>();
    for (Pod pod : pods) {
      CompletableFuture<Optional<WorkerReport>> report;
      if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
        // Not scheduled or not started: the proxy has nowhere to go.
        report = completedFuture(Optional.empty());
      } else {
        HttpRequest request =
            http.newHttpRequestBuilder()
                .uri(uri(namespace, pod.getMetadata().getName(), port))
                .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        report =
            http.sendAsync(request, String.class)
                .thenApply(WorkerReader::report)
                .exceptionally(e -> Optional.empty());
      }
      String address = statusAddressAnnotation ? statusAddress(pod) : null;
      if (address != null) {
        report = report.thenCompose(r -> r.isPresent() ? completedFuture(r) : direct(address));
      }
      pending.put(pod.getMetadata().getName(), report);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    Map<String, Optional<WorkerReport>> reports = new LinkedHashMap<>();
    pending.forEach(
        (name, future) -> reports.put(name, await(future, deadline - System.nanoTime())));
    return reports;
  }

  URI uri(String namespace, String pod, int port) {
    String base = client.getMasterUrl().toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(
        base
            + "/api/v1/namespaces/"
            + encode(namespace)
            + "/pods/"
            + encode(pod)
            + ":"
            + port
            + "/proxy/worker");
  }

  private CompletableFuture<Optional<WorkerReport>> direct(String address) {
    URI uri;
    try {
      uri = URI.create("http://" + address.trim() + "/worker");
    } catch (IllegalArgumentException e) {
      return completedFuture(Optional.empty());
    }
    var request = java.net.http.HttpRequest.newBuilder(uri).timeout(wait).GET().build();
    return direct
        .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> r.statusCode() / 100 == 2 ? parse(r.body()) : Optional.<WorkerReport>empty())
        .exceptionally(e -> Optional.empty());
  }

  private static String statusAddress(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    String address =
        annotations == null ? null : annotations.get(AgentDeploymentAnnotations.STATUS_ADDRESS);
    return address == null || address.isBlank() ? null : address;
  }

  /** Empty when the body is not a worker's report: that worker is shown as unknown. */
  static Optional<WorkerReport> parse(String body) {
    try {
      return Optional.of(WorkerReportParser.parse(body, WorkerStatusFormat.AUTO));
    } catch (WorkerReportParser.MalformedReport e) {
      return Optional.empty();
    }
  }

  private static Optional<WorkerReport> report(HttpResponse<String> response) {
    return response.isSuccessful() ? parse(response.body()) : Optional.empty();
  }

  private static Optional<WorkerReport> await(
      CompletableFuture<Optional<WorkerReport>> future, long nanos) {
    try {
      return future.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      future.cancel(true);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
