package io.agentfleet.cli.status;

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
 * from outside the cluster. Any failure (no RBAC for pods/proxy, an API server without a proxy, a
 * pod that does not answer) leaves that worker unknown, shown as "-": the status of the others is
 * still worth printing.
 */
final class PodProxy {

  private final KubernetesClient client;
  private final Duration wait;

  PodProxy(KubernetesClient client, Duration wait) {
    this.client = client;
    this.wait = wait;
  }

  /** All at once, then waits at most {@code wait} for the lot. */
  Map<String, Optional<WorkerReport>> reports(String namespace, List<Pod> pods, int port) {
    HttpClient http = client.getHttpClient();
    Map<String, CompletableFuture<Optional<WorkerReport>>> pending = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
        // Not scheduled or not started: the proxy has nowhere to go.
        pending.put(
            pod.getMetadata().getName(), CompletableFuture.completedFuture(Optional.empty()));
        continue;
      }
      HttpRequest request =
          http.newHttpRequestBuilder()
              .uri(uri(namespace, pod.getMetadata().getName(), port))
              .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
              .build();
      pending.put(
          pod.getMetadata().getName(),
          http.sendAsync(request, String.class)
              .thenApply(PodProxy::report)
              .exceptionally(e -> Optional.empty()));
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

  private static Optional<WorkerReport> report(HttpResponse<String> response) {
    return response.isSuccessful() ? WorkerReport.parse(response.body()) : Optional.empty();
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
