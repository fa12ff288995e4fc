package io.agentfleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.controlplane.ListenPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The operator and worker images as built by {@link Images}: the tarball's config (entrypoint,
 * numeric non-root user, ports, labels), and the entrypoint run from the extracted layers as that
 * user in a chroot, so the image's own JRE, C libraries and application are what runs.
 */
class ImageTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void operatorImage() throws Exception {
    Images.Image image = Images.operator();
    JsonNode config = config(image.tarball());
    assertConfig(image, config);
    assertThat(
            config.path("Cmd").isMissingNode()
                || config.path("Cmd").isNull()
                || config.path("Cmd").isEmpty())
        .isTrue();

    Path root = extract(image.tarball(), "operator");
    // The image's operator against a real API server, as deploy/ installs it: it becomes ready.
    Path workdir =
        Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
            .resolve("ImageTest")
            .toAbsolutePath();
    try (ControlPlane plane = ControlPlane.start(ControlPlane.Options.in(workdir))) {
      for (String file :
          List.of(
              "crds/agentdeployments.agentfleet.io-v1.yml",
              "deploy/namespace.yaml",
              "deploy/rbac.yaml")) {
        try (var in = Files.newInputStream(Chart.repo().resolve(file))) {
          plane.admin().load(in).serverSideApply();
        }
      }
      Path kubeconfig =
          plane.writeKubeconfig(
              root.resolve("tmp/kubeconfig"),
              plane.serviceAccountToken(
                  "agentfleet-system", "agentfleet-operator", java.time.Duration.ofHours(1)));
      Files.copy(plane.caFile(), root.resolve("tmp/ca.crt"));
      Files.writeString(
          kubeconfig,
          Files.readString(kubeconfig)
              .replace(plane.caFile().toString(), "/tmp/ca.crt")
              .replace("namespace: default", "namespace: agentfleet-system"));
      Images.run(List.of("chmod", "-R", "a+r", root.resolve("tmp").toString()));
      int port = ListenPorts.unused();
      Process operator =
          startEntrypoint(
              root,
              entrypoint(config),
              Map.of(
                  "KUBECONFIG", "/tmp/kubeconfig",
                  "KUBERNETES_NAMESPACE", "agentfleet-system",
                  "HOSTNAME", "image-test",
                  "QUARKUS_HTTP_HOST", "127.0.0.1",
                  "QUARKUS_HTTP_PORT", Integer.toString(port)));
      try {
        Path log = root.resolveSibling(root.getFileName() + ".log");
        await()
            .atMost(java.time.Duration.ofSeconds(120))
            .untilAsserted(
                () -> {
                  assertThat(operator.isAlive()).as(Files.readString(log)).isTrue();
                  assertThat(ready(port)).isTrue();
                });
        assertThat(Files.readString(log))
            .doesNotContain("error while loading shared libraries", "UnsatisfiedLinkError");
      } finally {
        stop(operator);
      }
    }
  }

  /** Stops unshare and what runs under it. */
  static void stop(Process process) throws InterruptedException {
    var children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  static boolean ready(int port) {
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                      .timeout(java.time.Duration.ofSeconds(5))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void workerImage() throws Exception {
    Images.Image image = Images.worker();
    JsonNode config = config(image.tarball());
    assertConfig(image, config);
    assertThat(config.path("Cmd").get(0).asText()).isEqualTo("start");

    Path root = extract(image.tarball(), "worker");
    List<String> command = entrypoint(config);
    command.add("start");
    // Without LiveKit settings it stops at its usage: the JRE, the libraries and the jar ran.
    String out = runEntrypoint(root, command, Map.of());
    assertThat(out)
        .as(out)
        .contains("--url=<url>")
        .doesNotContain(
            "error while loading shared libraries",
            "UnsatisfiedLinkError",
            "Unable to access jarfile");
  }

  static void assertConfig(Images.Image image, JsonNode config) {
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(n -> entrypoint.add(n.asText()));
    assertThat(entrypoint).isEqualTo(image.entrypoint());
    String user = config.path("User").asText();
    assertThat(user).matches("[0-9]+(:[0-9]+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).as("non-root").isPositive();
    List<String> ports = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports)
        .containsExactlyInAnyOrderElementsOf(image.ports().stream().map(p -> p + "/tcp").toList());
    assertThat(config.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo(image.name().replaceAll(".*/(.*):.*", "$1"));
    assertThat(config.path("Labels").path("org.opencontainers.image.version").asText())
        .isEqualTo(Images.VERSION);
  }

  static List<String> entrypoint(JsonNode config) {
    List<String> command = new ArrayList<>();
    config.path("Entrypoint").forEach(n -> command.add(n.asText()));
    return command;
  }

  /** The image config of a docker-load tarball (manifest.json names it). */
  static JsonNode config(Path tarball) throws Exception {
    Path dir = Files.createDirectories(tarball.resolveSibling(tarball.getFileName() + ".d"));
    Images.run(List.of("tar", "-xf", tarball.toString(), "-C", dir.toString()));
    JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
    return JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile()).path("config");
  }

  /** The layers, in order, into one root folder. */
  static Path extract(Path tarball, String name) throws Exception {
    Path dir = tarball.resolveSibling(tarball.getFileName() + ".d");
    JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
    Path root = tarball.resolveSibling(name + "-rootfs");
    Images.run(List.of("rm", "-rf", root.toString()));
    Files.createDirectories(root);
    for (JsonNode layer : manifest.path("Layers")) {
      Images.run(
          List.of("tar", "-xzf", dir.resolve(layer.asText()).toString(), "-C", root.toString()));
    }
    return root;
  }

  /** The entrypoint in a chroot of the root folder, as the image's user, for at most 40 s. */
  static String runEntrypoint(Path root, List<String> entrypoint, Map<String, String> env)
      throws Exception {
    Process process = startEntrypoint(root, entrypoint, env);
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      stop(process);
    }
    return Files.readString(
        root.resolveSibling(root.getFileName() + ".log"), StandardCharsets.UTF_8);
  }

  /** The entrypoint in a chroot of the root folder, as the image's user; output to a log. */
  static Process startEntrypoint(Path root, List<String> entrypoint, Map<String, String> env)
      throws Exception {
    Assumptions.assumeTrue(
        "0".equals(Images.run(List.of("id", "-u")).strip()),
        "running the entrypoint from the extracted layers needs chroot and unshare, so root");
    Files.createDirectories(root.resolve("proc"));
    // A mount namespace of its own with /proc (the loader finds the JRE's libraries relative to
    // /proc/self/exe), gone when the process ends; then the chroot, as the image's user.
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/unshare",
                "--mount",
                "--fork",
                // the entrypoint goes with unshare when the test stops it
                "--kill-child",
                "--mount-proc=" + root.resolve("proc"),
                "/usr/sbin/chroot",
                "--userspec=" + Images.UID + ":" + Images.UID,
                root.toString()));
    command.addAll(entrypoint);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(Map.of("PATH", "/opt/java/bin", "HOME", "/tmp"));
    builder.environment().putAll(env);
    Path log = root.resolveSibling(root.getFileName() + ".log");
    builder.redirectOutput(log.toFile());
    return builder.start();
  }
}
