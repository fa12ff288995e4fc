package io.agentfleet.sandbox.apiserver;

import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.sandbox.launcher.Crds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real control plane (etcd, kube-apiserver, kube-controller-manager) with the AgentDeployment
 * CRD installed, shared by the test classes that need an API server but not the whole sandbox: it
 * starts once per test run (10 to 20 s) and stops at its end. A parameter of type {@link
 * ControlPlane} is resolved to it; each test keeps to namespaces of its own ({@link #namespace}).
 */
public final class TestControlPlane implements ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(TestControlPlane.class);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The root store closes what it holds (ControlPlane is AutoCloseable) when the run ends.
    return context
        .getRoot()
        .getStore(STORE)
        .computeIfAbsent(ControlPlane.class, k -> start(), ControlPlane.class);
  }

  private static ControlPlane start() {
    Path workdir =
        Path.of(System.getProperty("sandbox.workdir", "target/sandbox-tests"), "apiserver");
    try {
      ControlPlane plane = ControlPlane.start(ControlPlane.Options.in(workdir));
      Crds.install(
          plane.admin(), Path.of(System.getProperty("sandbox.crd")), Duration.ofSeconds(60));
      return plane;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new namespace named {@code prefix-<n>} and an admin client whose default it is. */
  public static NamespacedKubernetesClient namespace(ControlPlane plane, String prefix) {
    String name = prefix + "-" + NAMESPACES.incrementAndGet();
    plane
        .admin()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // Pods need the namespace's default ServiceAccount, which its controller adds shortly after.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (plane.admin().serviceAccounts().inNamespace(name).withName("default").get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("namespace " + name + " got no default ServiceAccount");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return plane.admin().adapt(NamespacedKubernetesClient.class).inNamespace(name);
  }
}
