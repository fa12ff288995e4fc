package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply -k deploy/} on a real kube-apiserver installs the CRD, the namespace and
 * exactly what the chart renders by default.
 */
class KustomizeTest {

  static ControlPlane plane;

  @BeforeAll
  static void start() throws IOException {
    plane =
        ControlPlane.start(
            ControlPlane.Options.in(
                    Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
                        .resolve(KustomizeTest.class.getSimpleName())
                        .toAbsolutePath())
                .withControllers(List.of()));
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void kustomizeRendersTheCrdTheNamespaceAndTheChartsDefaultRendering() throws Exception {
    String rendered = kubectl("kustomize", Chart.repo().resolve("deploy").toString());
    List<String> expected = new ArrayList<>();
    expected.add("CustomResourceDefinition/agentdeployments.agentfleet.io");
    expected.add("Namespace/agentfleet-system");
    Chart.objects(Chart.defaultTemplate()).stream()
        .map(ChartTest::kindAndName)
        .forEach(expected::add);

    assertThat(Chart.objects(rendered).stream().map(ChartTest::kindAndName))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void applyKInstallsEverything() throws Exception {
    String out = kubectl("apply", "-k", Chart.repo().resolve("deploy").toString());
    assertThat(out).contains("deployment.apps/agentfleet-operator created");
    for (Map<String, Object> object : Chart.objects(Chart.defaultTemplate())) {
      Map<String, Object> metadata = Chart.map(object.get("metadata"));
      var resources =
          plane
              .admin()
              .genericKubernetesResources(
                  (String) object.get("apiVersion"), (String) object.get("kind"));
      String namespace = (String) metadata.get("namespace");
      String name = (String) metadata.get("name");
      assertThat(
              namespace == null
                  ? resources.withName(name).get()
                  : resources.inNamespace(namespace).withName(name).get())
          .as(ChartTest.kindAndName(object))
          .isNotNull();
    }
  }

  static String kubectl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig=" + plane.adminKubeconfig()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in 120 s");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(command + " exited " + process.exitValue() + ":\n" + err.join());
    }
    return out;
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
