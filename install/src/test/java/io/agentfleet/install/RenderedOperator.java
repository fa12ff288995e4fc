package io.agentfleet.install;

import io.agentfleet.controlplane.ChildProcess;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.controlplane.ListenPorts;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator jar (operator/target/quarkus-app) started as the chart's Deployment would start its
 * container: the rendered env (values, the pod's namespace through the downward API, optional
 * Secret keys when the Secret exists), the rendered args, and the token of the chart's
 * ServiceAccount with the release namespace as its own, as in a pod.
 */
final class RenderedOperator implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ChildProcess process;
  private final int port;
  private final Map<String, String> env;

  private RenderedOperator(ChildProcess process, int port, Map<String, String> env) {
    this.process = process;
    this.port = port;
    this.env = env;
  }

  static Path jar() {
    Path jar =
        Path.of(
            System.getProperty(
                "agentfleet.operator.jar", "../operator/target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no operator jar at " + jar.toAbsolutePath() + ": run ./mvnw -pl operator package first");
    }
    return jar;
  }

  /** Starts the Deployment's container of a rendering; waits for its readiness endpoint. */
  static RenderedOperator start(
      ControlPlane plane, List<Map<String, Object>> rendered, String namespace, Path workdir)
      throws IOException {
    Map<String, Object> deployment = ChartTest.find(rendered, "Deployment");
    Map<String, Object> pod =
        Chart.map(Chart.map(Chart.map(deployment.get("spec")).get("template")).get("spec"));
    Map<String, Object> container = ChartTest.operatorContainer(rendered);
    String account = (String) pod.get("serviceAccountName");

    Map<String, String> env = new LinkedHashMap<>();
    for (Object e : Chart.list(container.get("env"))) {
      Map<String, Object> var = Chart.map(e);
      String name = (String) var.get("name");
      if (var.containsKey("value")) {
        env.put(name, String.valueOf(var.get("value")));
        continue;
      }
      Map<String, Object> from = Chart.map(var.get("valueFrom"));
      if (from.containsKey("fieldRef")) {
        String field = (String) Chart.map(from.get("fieldRef")).get("fieldPath");
        if (!field.equals("metadata.namespace")) {
          throw new IllegalStateException("no stand-in for the downward API field " + field);
        }
        env.put(name, namespace);
      } else if (from.containsKey("secretKeyRef")) {
        Map<String, Object> ref = Chart.map(from.get("secretKeyRef"));
        Secret secret =
            plane.admin().secrets().inNamespace(namespace).withName((String) ref.get("name")).get();
        String value = secret == null ? null : secret.getData().get((String) ref.get("key"));
        if (value != null) {
          env.put(name, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
        } else if (!Boolean.TRUE.equals(ref.get("optional"))) {
          throw new IllegalStateException("the pod would not start: no Secret key " + ref);
        }
      } else {
        throw new IllegalStateException("no stand-in for " + from);
      }
    }
    int port = ListenPorts.unused();
    String identity = account + "-0";
    Path kubeconfig = workdir.resolve(identity + ".kubeconfig");
    plane.writeKubeconfig(
        kubeconfig, plane.serviceAccountToken(namespace, account, Duration.ofHours(2)));
    // In a pod, the client's namespace is the ServiceAccount's: the Lease lives there.
    Files.writeString(
        kubeconfig,
        Files.readString(kubeconfig).replace("namespace: default", "namespace: " + namespace));
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("KUBECONFIG", kubeconfig.toString());
    all.put("HOSTNAME", identity);
    // The pod's port 8080 is this process's free port on loopback.
    all.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    all.put("QUARKUS_HTTP_PORT", Integer.toString(port));

    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
    for (Object arg :
        container.get("args") == null ? List.of() : Chart.list(container.get("args"))) {
      command.add(String.valueOf(arg));
    }
    ChildProcess process =
        ChildProcess.start(
            "operator " + identity, command, all, workdir.resolve(identity + ".log"));
    RenderedOperator operator = new RenderedOperator(process, port, env);
    try {
      process.awaitHttpOk(
          "http://127.0.0.1:" + port + readinessPath(container), Duration.ofSeconds(120));
    } catch (IOException e) {
      operator.close();
      throw new AssertionError("operator did not become ready (log: " + process.log() + "): " + e);
    }
    return operator;
  }

  private static String readinessPath(Map<String, Object> container) {
    return (String)
        Chart.map(Chart.map(container.get("readinessProbe")).get("httpGet")).get("path");
  }

  /** The env the rendered Deployment gives the container. */
  Map<String, String> env() {
    return env;
  }

  Path log() {
    return process.log();
  }

  /** GET on the operator's HTTP port. */
  String get(String path) throws IOException {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET " + path + " answered " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** POST with an Authorization header; returns the status code. */
  int post(String path, String body, String authorization) throws IOException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", authorization)
                  .header("Content-Type", "application/webhook+json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
