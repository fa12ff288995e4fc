package io.agentfleet.api.validation;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.CrdGeneration;
import io.agentfleet.controlplane.ControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver with the committed AgentDeployment CRD applied through {@code kubectl
 * apply}, as a user installs it, and established. One per test class: starting it takes seconds,
 * checking a manifest against it milliseconds.
 */
final class CrdCluster implements AutoCloseable {

  static final String CRD_NAME = "agentdeployments.agentfleet.io";

  /** AgentDeployments without API discovery, so a request goes straight to the resource. */
  static final ResourceDefinitionContext AGENT_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup(AgentDeployment.GROUP)
          .withVersion(AgentDeployment.VERSION)
          .withKind("AgentDeployment")
          .withPlural("agentdeployments")
          .withNamespaced(true)
          .build();

  private final ControlPlane plane;
  private final Path workdir;

  private CrdCluster(ControlPlane plane, Path workdir) {
    this.plane = plane;
    this.workdir = workdir;
  }

  /** Starts etcd and the API server (no controllers: nothing here needs them). */
  static CrdCluster start(Class<?> testClass) throws IOException {
    Path workdir =
        Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
            .resolve(testClass.getSimpleName())
            .toAbsolutePath();
    ControlPlane plane =
        ControlPlane.start(ControlPlane.Options.in(workdir).withControllers(List.of()));
    CrdCluster cluster = new CrdCluster(plane, workdir);
    try {
      cluster.kubectl("apply", "-f", CrdGeneration.committedCrd().toString()).orFail();
      cluster
          .kubectl("wait", "--for=condition=Established", "crd/" + CRD_NAME, "--timeout=60s")
          .orFail();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  KubernetesClient client() {
    return plane.admin();
  }

  Path workdir() {
    return workdir;
  }

  /** What kubectl printed and how it ended. */
  record Run(List<String> command, int exit, String out, String err) {
    Run orFail() {
      if (exit != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + exit + ":\n" + out + err);
      }
      return this;
    }
  }

  /** Runs kubectl as the cluster admin, with its discovery cache inside the work folder. */
  Run kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + plane.adminKubeconfig());
    command.add("--cache-dir=" + workdir.resolve("kubectl-cache"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      // Both streams at once: a full stderr pipe would otherwise stall kubectl.
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String out = readAll(process.getInputStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
      }
      return new Run(command, process.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** Writes a manifest into the work folder for kubectl to read. */
  Path write(String name, String yaml) {
    try {
      Path file = workdir.resolve("manifests").resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readAll(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    plane.close();
  }
}
