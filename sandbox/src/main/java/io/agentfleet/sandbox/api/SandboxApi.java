package io.agentfleet.sandbox.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The sandbox's Kubernetes API: the Fabric8 mock server in CRUD mode on plain HTTP, with the given
 * CRDs installed and the documents and checks of {@link SandboxDispatcher} in front of it.
 *
 * <p>Graceful deletion is the store's own: an object with finalizers gets a {@code
 * deletionTimestamp} on DELETE and disappears when an update empties its finalizers (verified by
 * {@code GracefulDeletionTest}). There is no garbage collector here; see {@link GarbageCollector}.
 */
public final class SandboxApi implements AutoCloseable {

  /** The mock web server logs every request at INFO through java.util.logging; kept quiet. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private SandboxApi(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /**
   * @param port 0 for any free port
   * @param logs where {@code kubectl logs} finds a pod's log
   */
  public static SandboxApi start(int port, List<CustomResourceDefinition> crds, PodLogs logs) {
    KubernetesCrudDispatcher store = new KubernetesCrudDispatcher();
    SandboxDispatcher dispatcher =
        new SandboxDispatcher(store, Discovery.of(crds), new Admission(crds), logs);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    KubernetesClient client =
        new KubernetesClientBuilder().withConfig(clientConfig(server.url("/").toString())).build();
    for (CustomResourceDefinition crd : crds) {
      // Storing the CRD is what makes the store treat /status as a subresource of its kind.
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    return new SandboxApi(server, client);
  }

  public static Config clientConfig(String url) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace("default")
        .withRequestRetryBackoffLimit(2)
        .build();
  }

  /** e.g. {@code http://127.0.0.1:41234} */
  public String url() {
    String url = server.url("/").toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public int port() {
    return server.getPort();
  }

  /** A client of the sandbox API; closed with it. */
  public KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig for kubectl and other clients; returns its path. */
  public Path writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, Kubeconfig.render(url()));
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
