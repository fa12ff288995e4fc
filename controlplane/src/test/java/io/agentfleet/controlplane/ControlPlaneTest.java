package io.agentfleet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control plane as the other modules use it: real TLS, RBAC, tokens, GC, restarts. */
class ControlPlaneTest {
  private static ControlPlane plane;

  @BeforeAll
  static void start() throws IOException {
    plane =
        ControlPlane.start(
            ControlPlane.Options.in(
                Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
                    .resolve("ControlPlaneTest")));
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void aServiceAccountTokenAuthenticatesButRbacDeniesWhatItWasNotGranted() {
    plane
        .admin()
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("nobody").endMetadata().build())
        .create();
    String token = plane.serviceAccountToken("default", "nobody", Duration.ofMinutes(10));
    try (KubernetesClient nobody =
        new KubernetesClientBuilder().withConfig(plane.config(token)).build()) {
      assertThatThrownBy(() -> nobody.pods().inNamespace("default").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
          .hasMessageContaining("system:serviceaccount:default:nobody");
    }
  }

  @Test
  void theGarbageCollectorDeletesWhatAnOwnerLeaves() {
    KubernetesClient admin = plane.admin();
    ConfigMap owner =
        admin
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
            .create();
    admin
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("dependent")
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("owner")
                .withUid(owner.getMetadata().getUid())
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();
    admin.configMaps().inNamespace("default").withName("owner").delete();
    awaitGone(admin, "dependent", Duration.ofSeconds(60));
  }

  @Test
  void aRestartedApiServerKeepsItsStoreAndServesTheSameKubeconfig() throws Exception {
    KubernetesClient admin = plane.admin();
    admin
        .configMaps()
        .inNamespace("default")
        .resource(new ConfigMapBuilder().withNewMetadata().withName("kept").endMetadata().build())
        .create();
    plane.restartApiServer();
    assertThat(admin.configMaps().inNamespace("default").withName("kept").get()).isNotNull();
    Process kubectl =
        new ProcessBuilder(
                List.of(
                    "kubectl",
                    "--kubeconfig=" + plane.adminKubeconfig(),
                    "get",
                    "configmap",
                    "kept",
                    "-o",
                    "name"))
            .redirectErrorStream(true)
            .start();
    String out = new String(kubectl.getInputStream().readAllBytes());
    assertThat(kubectl.waitFor()).as(out).isZero();
    assertThat(out.trim()).isEqualTo("configmap/kept");
  }

  @Test
  void theAuditLogRecordsWritesByUserAndNoBodies() throws IOException {
    plane
        .admin()
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("audited")
                .endMetadata()
                .addToData("secret-looking", "do-not-log-me")
                .build())
        .create();
    // The log is written as requests complete; the create above has completed.
    String log = Files.readString(plane.auditLog());
    assertThat(log).contains("\"verb\":\"create\"").contains("\"name\":\"audited\"");
    assertThat(log).doesNotContain("do-not-log-me");
  }

  private static void awaitGone(KubernetesClient client, String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (client.configMaps().inNamespace("default").withName(name).get() != null) {
      assertThat(System.nanoTime())
          .as("%s still there after %s", name, timeout)
          .isLessThan(deadline);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
