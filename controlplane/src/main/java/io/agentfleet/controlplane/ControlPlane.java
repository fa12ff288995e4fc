package io.agentfleet.controlplane;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on this machine: etcd, kube-apiserver (TLS, RBAC, service-account
 * token signing, an audit log of every write) and kube-controller-manager with the controllers a
 * cluster without nodes needs (garbage collector, namespaces, service accounts). Everything lives
 * in one work folder; ports are free ones unless given. The admin is a static token in group {@code
 * system:masters}; other identities are ServiceAccounts with tokens from the TokenRequest API, as
 * in a cluster.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

  /** The controllers started by default: what ownership, namespaces and pods' accounts need. */
  public static final List<String> DEFAULT_CONTROLLERS =
      List.of("garbage-collector-controller", "namespace-controller", "serviceaccount-controller");

  /**
   * @param workdir holds etcd's data, keys, certificates, logs and kubeconfigs
   * @param apiPort the API server's HTTPS port, 0 for a free one
   * @param controllers kube-controller-manager's controllers; empty to run none
   * @param auditReads whether the audit log also records gets, lists and watches
   */
  public record Options(Path workdir, int apiPort, List<String> controllers, boolean auditReads) {
    public static Options in(Path workdir) {
      return new Options(workdir, 0, DEFAULT_CONTROLLERS, false);
    }

    public Options withApiPort(int port) {
      return new Options(workdir, port, controllers, auditReads);
    }

    public Options withControllers(List<String> names) {
      return new Options(workdir, apiPort, List.copyOf(names), auditReads);
    }

    /** Audits reads (get, list, watch) too, for counting every request a client makes. */
    public Options withReadsAudited() {
      return new Options(workdir, apiPort, controllers, true);
    }
  }

  private final Options options;
  private final KubeBinaries binaries;
  private final Path dir;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiPort;
  private final String adminToken;
  private final Path adminKubeconfig;
  private ChildProcess etcd;
  private ChildProcess apiserver;
  private ChildProcess controllerManager;
  private KubernetesClient admin;

  private ControlPlane(Options options, KubeBinaries binaries) throws IOException {
    this.options = options;
    this.binaries = binaries;
    this.dir = options.workdir().toAbsolutePath();
    this.etcdPort = ListenPorts.unused();
    this.etcdPeerPort = ListenPorts.unused();
    this.apiPort = options.apiPort() == 0 ? ListenPorts.unused() : options.apiPort();
    this.adminToken = randomToken();
    this.adminKubeconfig = dir.resolve("admin.kubeconfig");
  }

  /** Starts etcd, the API server and the controller manager, and waits until the API is ready. */
  public static ControlPlane start(Options options) throws IOException {
    ControlPlane plane = new ControlPlane(options, KubeBinaries.locate());
    try {
      plane.startAll();
    } catch (IOException | RuntimeException e) {
      plane.close();
      throw e;
    }
    return plane;
  }

  private void startAll() throws IOException {
    long began = System.nanoTime();
    deleteTree(dir);
    Files.createDirectories(dir.resolve("pki"));
    Files.createDirectories(dir.resolve("logs"));
    writeServiceAccountKey(dir.resolve("pki/sa.key"));
    Files.writeString(
        dir.resolve("tokens.csv"), adminToken + ",admin,admin-uid,\"system:masters\"\n");
    // Metadata of every write, and of reads only when asked: enough to count what a client
    // changed, and no request or response body, so no Secret value ends up in the log.
    Files.writeString(
        dir.resolve("audit-policy.yaml"),
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        """
            + (options.auditReads() ? "" : "- level: None\n  verbs: [get, list, watch]\n")
            + "- level: Metadata\n");
    startEtcd();
    startApiServer();
    writeKubeconfig(adminKubeconfig, adminToken);
    admin = new KubernetesClientBuilder().withConfig(config(adminToken)).build();
    if (!options.controllers().isEmpty()) {
      startControllerManager();
    }
    LOG.info(
        "control plane up at {} in {} ms (work folder {})",
        url(),
        Duration.ofNanos(System.nanoTime() - began).toMillis(),
        dir);
  }

  private void startEtcd() throws IOException {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    etcd =
        ChildProcess.start(
            "etcd",
            List.of(
                binaries.etcd().toString(),
                "--name=controlplane",
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=controlplane=" + peer,
                // A test store: losing it on power loss is fine, waiting for fsync is not.
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            Map.of(),
            dir.resolve("logs/etcd.log"));
    etcd.awaitHttpOk(client + "/health", Duration.ofSeconds(60));
  }

  /** Starts the API server (again, after {@link #stopApiServer}) and waits for {@code /readyz}. */
  public synchronized void startApiServer() throws IOException {
    if (apiserver != null && apiserver.alive()) {
      return;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                binaries.apiserver().toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                // The kubernetes Service's endpoints would have to be a non-loopback address;
                // nothing here reaches the API server through that Service.
                "--endpoint-reconciler-type=none",
                "--secure-port=" + apiPort,
                "--cert-dir=" + dir.resolve("pki"),
                "--token-auth-file=" + dir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + dir.resolve("pki/sa.key"),
                "--service-account-signing-key-file=" + dir.resolve("pki/sa.key"),
                "--service-cluster-ip-range=10.96.0.0/16",
                "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
                "--audit-log-path=" + auditLog(),
                "--audit-log-format=json",
                "--audit-log-mode=blocking",
                "--profiling=false",
                "--v=0"));
    apiserver =
        ChildProcess.start("kube-apiserver", command, Map.of(), dir.resolve("logs/apiserver.log"));
    awaitReady(Duration.ofSeconds(120));
  }

  /** Stops the API server (SIGTERM); every client's connections and watches are cut. */
  public synchronized void stopApiServer() {
    if (apiserver != null) {
      apiserver.stop(Duration.ofSeconds(20));
    }
  }

  /** Stops and starts the API server on the same port, store and keys. */
  public void restartApiServer() throws IOException {
    stopApiServer();
    startApiServer();
  }

  private void startControllerManager() throws IOException {
    controllerManager =
        ChildProcess.start(
            "kube-controller-manager",
            List.of(
                binaries.controllerManager().toString(),
                "--kubeconfig=" + adminKubeconfig,
                "--authentication-kubeconfig=" + adminKubeconfig,
                "--authorization-kubeconfig=" + adminKubeconfig,
                "--controllers=" + String.join(",", options.controllers()),
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=" + ListenPorts.unused(),
                "--service-account-private-key-file=" + dir.resolve("pki/sa.key"),
                "--root-ca-file=" + caFile(),
                "--v=0"),
            Map.of(),
            dir.resolve("logs/controller-manager.log"));
    // The garbage collector and the namespace controller start once they have read discovery;
    // "default" getting its ServiceAccount says the controllers run.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (admin.serviceAccounts().inNamespace("default").withName("default").get() == null) {
      if (!controllerManager.alive() || System.nanoTime() > deadline) {
        throw new IOException(
            "kube-controller-manager did not start its controllers; see "
                + controllerManager.log());
      }
      sleep(200);
    }
  }

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path ca = caFile();
    HttpClient http = null;
    while (System.nanoTime() < deadline) {
      if (!apiserver.alive()) {
        throw new IOException("kube-apiserver exited; see " + apiserver.log());
      }
      try {
        if (http == null && Files.exists(ca)) {
          http =
              HttpClient.newBuilder()
                  .sslContext(trusting(ca))
                  .connectTimeout(Duration.ofSeconds(1))
                  .build();
        }
        if (http != null) {
          HttpResponse<String> ready =
              http.send(
                  HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                      .header("Authorization", "Bearer " + adminToken)
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (ready.statusCode() == 200) {
            return;
          }
        }
      } catch (IOException notYet) {
        // not listening yet, or its certificate is being written
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      sleep(250);
    }
    throw new IOException("kube-apiserver not ready after " + timeout + "; see " + apiserver.log());
  }

  /** e.g. {@code https://127.0.0.1:6443} */
  public String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  public int apiPort() {
    return apiPort;
  }

  /**
   * The API server's certificate chain, which holds the CA that signed it (the server makes both
   * when it first starts and reuses them on a restart).
   */
  public Path caFile() {
    return dir.resolve("pki/apiserver.crt");
  }

  /** One JSON line per write the API server accepted or refused (metadata only). */
  public Path auditLog() {
    return dir.resolve("logs/audit.log");
  }

  public Path workdir() {
    return dir;
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  /** A kubeconfig with cluster-admin rights, for kubectl and the tests' own clients. */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  /** A client with cluster-admin rights; closed with the control plane. */
  public KubernetesClient admin() {
    return admin;
  }

  /** Client settings for a bearer token, trusting this API server's CA. */
  public Config config(String token) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withCaCertFile(caFile().toString())
        .withOauthToken(token)
        .withNamespace("default")
        .withRequestRetryBackoffLimit(2)
        .build();
  }

  /** A token for a ServiceAccount from the TokenRequest API, valid for {@code lifetime}. */
  public String serviceAccountToken(String namespace, String serviceAccount, Duration lifetime) {
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(lifetime.toSeconds())
            .endSpec()
            .build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** Writes a kubeconfig for this API server and a bearer token; returns its path. */
  public Path writeKubeconfig(Path file, String token) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: agentfleet
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: agentfleet
          user:
            token: %s
        contexts:
        - name: agentfleet
          context:
            cluster: agentfleet
            user: agentfleet
            namespace: default
        current-context: agentfleet
        """
            .formatted(url(), caFile(), token));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** Every process of the control plane, for leak checks. */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (ChildProcess p : new ChildProcess[] {etcd, apiserver, controllerManager}) {
      if (p != null) {
        pids.add(p.pid());
      }
    }
    return pids;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
    }
    for (ChildProcess p : new ChildProcess[] {controllerManager, apiserver, etcd}) {
      if (p != null) {
        p.stop(Duration.ofSeconds(10));
      }
    }
  }

  /** An RSA key in PKCS#8 PEM: the API server signs and checks ServiceAccount tokens with it. */
  private static void writeServiceAccountKey(Path file) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(der)
              + "\n-----END PRIVATE KEY-----\n";
      Files.writeString(file, pem);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate the service-account key", e);
    }
  }

  /** A TLS context that trusts the certificates in {@code caFile} (PEM), e.g. {@link #caFile()}. */
  public static SSLContext trusting(Path caFile) throws IOException {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the API server's certificate " + caFile, e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
