package io.agentfleet.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Runs a container's probes against its mapped local port, whatever port the probe names: each pod
 * has one status port here. {@code exec} probes cannot run outside a container and pass.
 */
final class Probes {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  boolean passes(Probe probe, int port) {
    try {
      if (probe.getHttpGet() != null) {
        String path = probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath();
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(Math.max(1, timeoutSeconds(probe))))
                .GET()
                .build();
        int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return code >= 200 && code < 400;
      }
      if (probe.getTcpSocket() != null) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          return true;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static int timeoutSeconds(Probe probe) {
    return probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
  }

  static Duration period(Probe probe) {
    return Duration.ofSeconds(
        probe.getPeriodSeconds() == null ? 10 : Math.max(1, probe.getPeriodSeconds()));
  }

  static Duration initialDelay(Probe probe) {
    return Duration.ofSeconds(
        probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds());
  }

  static int failureThreshold(Probe probe) {
    return probe.getFailureThreshold() == null ? 3 : Math.max(1, probe.getFailureThreshold());
  }
}
