package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The whole install on a real cluster: K3s in a container (Testcontainers), {@code helm install} of
 * the chart, the sample applied, and worker pods seen. Needs a Docker engine and the operator image
 * loaded into it (see install/README.md); skipped, with the reason, where there is none.
 */
@Tag("k3s")
class K3sInstallTest {

  static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

  @Test
  void helmInstallThenASampleGivesWorkerPods() throws Exception {
    Assumptions.assumeTrue(
        dockerAvailable(),
        "no Docker engine reachable (DOCKER_HOST / /var/run/docker.sock): the K3s test needs one"
            + " to run K3s in a container; it runs where Docker exists, see install/README.md");
    try (K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE))) {
      k3s.start();
      // The operator image as ImageTest builds it, into K3s' containerd: nothing is pulled.
      Images.Image operator = Images.operator();
      k3s.copyFileToContainer(
          MountableFile.forHostPath(operator.tarball()), "/tmp/operator-image.tar");
      var imported =
          k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/operator-image.tar");
      assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
      Path kubeconfig = Files.createTempFile("k3s", ".kubeconfig");
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
      new Helm(Chart.dir())
          .install()
          .withName("agentfleet")
          .withNamespace("agentfleet")
          .createNamespace()
          .set(
              "image.repository",
              System.getProperty("k3s.operator.image", "ghcr.io/agentfleet/agentfleet-operator"))
          .set("image.pullPolicy", "IfNotPresent")
          .withKubeConfig(kubeconfig)
          .waitReady()
          .withTimeout(300)
          .call();
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
              .build()) {
        HelmInstallTest.secrets(client, "default");
        HelmInstallTest.sample(client, "default", "voice-agent", 2, null);
        await()
            .atMost(Duration.ofMinutes(3))
            .untilAsserted(
                () ->
                    assertThat(
                            client
                                .pods()
                                .inNamespace("default")
                                .withLabel("app.kubernetes.io/name", "voice-agent")
                                .list()
                                .getItems())
                        .hasSize(2));
      }
    }
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
