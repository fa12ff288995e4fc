package io.agentfleet.operator.apiserver;

import io.agentfleet.controlplane.ControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One test class's cluster: a real control plane (etcd, kube-apiserver with RBAC and an audit log,
 * kube-controller-manager with the garbage collector) with what a user installs before the operator
 * — the CRD, {@code deploy/namespace.yaml} and {@code deploy/rbac.yaml}, applied with kubectl — and
 * a {@link RealKubelet} for the worker pods.
 */
final class Testbed implements AutoCloseable {

  static final String OPERATOR_NAMESPACE = "agentfleet-system";
  static final String OPERATOR_ACCOUNT = "agentfleet-operator";
  static final String CRD_FILE = "crds/agentdeployments.agentfleet.io-v1.yml";

  private final Path workdir;
  private final Path repo;
  private final ControlPlane plane;
  private final RealKubelet kubelet;
  private final AuditLog audit;
  private final AtomicInteger namespaces = new AtomicInteger();

  private Testbed(Path workdir, Path repo, ControlPlane plane) {
    this.workdir = workdir;
    this.repo = repo;
    this.plane = plane;
    this.audit = new AuditLog(plane.auditLog());
    try {
      kubectl("apply", "-f", repo.resolve(CRD_FILE).toString());
      kubectl(
          "wait",
          "--for=condition=Established",
          "crd/agentdeployments.agentfleet.io",
          "--timeout=60s");
      kubectl(
          "apply",
          "-f",
          repo.resolve("deploy/namespace.yaml").toString(),
          "-f",
          repo.resolve("deploy/rbac.yaml").toString());
      this.kubelet = new RealKubelet(plane.admin());
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  /** Starts a control plane in {@code target/apiserver-it/<name>} and installs the CRD and RBAC. */
  static Testbed start(String name) {
    return start(name, o -> o);
  }

  /** As {@link #start(String)}, with the control plane's options changed by {@code options}. */
  static Testbed start(String name, UnaryOperator<ControlPlane.Options> options) {
    Path workdir =
        Path.of(System.getProperty("agentfleet.it.workdir", "target/apiserver-it"))
            .resolve(name)
            .toAbsolutePath();
    Path repo = Path.of(System.getProperty("agentfleet.repo", "..")).toAbsolutePath().normalize();
    try {
      return new Testbed(
          workdir,
          repo,
          ControlPlane.start(options.apply(ControlPlane.Options.in(workdir.resolve("cluster")))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path workdir() {
    return workdir;
  }

  Path repo() {
    return repo;
  }

  ControlPlane plane() {
    return plane;
  }

  KubernetesClient admin() {
    return plane.admin();
  }

  RealKubelet kubelet() {
    return kubelet;
  }

  AuditLog audit() {
    return audit;
  }

  /**
   * A fresh namespace with its default ServiceAccount (pods cannot be created before the controller
   * made it) and the LiveKit credentials Secret {@code livekit}.
   */
  String namespace(String prefix) {
    String name = prefix + "-" + namespaces.incrementAndGet();
    admin()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    admin()
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    admin()
        .secrets()
        .inNamespace(name)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("livekit")
                .endMetadata()
                .addToStringData("api-key", "devkey")
                .addToStringData("api-secret", "secret-1")
                .build())
        .create();
    return name;
  }

  /** A kubeconfig for a ServiceAccount of {@code namespace}, whose context namespace it is. */
  Path kubeconfig(Path file, String namespace, String serviceAccount) throws IOException {
    String token = plane.serviceAccountToken(namespace, serviceAccount, Duration.ofHours(2));
    plane.writeKubeconfig(file, token);
    String text = Files.readString(file);
    Files.writeString(file, text.replace("namespace: default", "namespace: " + namespace));
    return file;
  }

  /** Runs kubectl as cluster admin; returns its output, fails with its error output. */
  String kubectl(String... args) {
    return kubectlWithInput(null, args);
  }

  /** {@code kubectl apply -f -} of a manifest. */
  String apply(String yaml) {
    return kubectlWithInput(yaml, "apply", "-f", "-");
  }

  private String kubectlWithInput(String input, String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + plane.adminKubeconfig());
    command.addAll(List.of(args));
    try {
      Path err = Files.createTempFile("kubectl", ".err");
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      try (var stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
      }
      String errors = Files.readString(err);
      Files.delete(err);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + errors);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    plane.close();
  }
}
