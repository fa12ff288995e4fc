package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.RollingUpdate;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.controlplane.ControlPlane;
import io.agentfleet.operator.apiserver.FaultProxy.Fault;
import io.agentfleet.operator.apiserver.FaultProxy.Rule;
import io.agentfleet.operator.apiserver.FaultProxy.Write;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator as packaged, talking to the real API server through a {@link FaultProxy} that
 * answers every third write in the test's namespace itself: 409 Conflict, 500 and 503 without doing
 * it, and 500 after doing it (the answer lost). Reads and watches pass. The fleet must converge as
 * without faults, with nothing created twice and no retry loop.
 */
@Tag("apiserver")
class ApiFaultsIT {

  private static final List<Fault> EVERY_KIND =
      List.of(Fault.CONFLICT, Fault.INTERNAL_ERROR, Fault.UNAVAILABLE, Fault.LOST_ANSWER);

  /** Converging through faults takes the controller's retries (2 s, doubling) on top. */
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  static Testbed bed;
  static FaultProxy proxy;
  final List<OperatorProcess> running = new ArrayList<>();

  @BeforeAll
  static void start() {
    bed = Testbed.start("api-faults");
    proxy = FaultProxy.start(bed.plane(), bed.workdir().resolve("proxy"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (proxy != null) {
      // Every write and what it got, beside the operators' logs, for when a figure looks wrong.
      Files.write(
          bed.workdir().resolve("proxy/writes.txt"),
          proxy.writes().stream().map(Write::toString).toList());
      proxy.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopOperator() {
    proxy.inject(Rule.NONE);
    running.forEach(OperatorProcess::close);
    running.clear();
    assertThat(proxy.failures()).as("requests the proxy itself failed").isEmpty();
  }

  /** The operator, watching only {@code namespace}, with every request through the proxy. */
  OperatorProcess operator(String namespace) throws IOException {
    String identity = "operator-" + namespace;
    Path direct =
        bed.kubeconfig(
            bed.workdir().resolve("operators").resolve(identity + "-direct.kubeconfig"),
            Testbed.OPERATOR_NAMESPACE,
            Testbed.OPERATOR_ACCOUNT);
    OperatorProcess p =
        OperatorProcess.start(
            bed,
            identity,
            Testbed.OPERATOR_ACCOUNT,
            Map.of(
                "KUBECONFIG",
                proxy.through(direct).toString(),
                "AGENTFLEET_WATCH_NAMESPACES",
                namespace));
    running.add(p);
    return p.awaitReady();
  }

  /**
   * The proxy relays a chunked watch as it streams, each event when it happens (the operator's
   * client watches over WebSocket, which it relays too, and falls back to this).
   */
  @Test
  void aWatchThroughTheProxyGetsEachEventAsItHappens() throws Exception {
    String ns = bed.namespace("faults-watch");
    String token =
        bed.plane()
            .serviceAccountToken(
                Testbed.OPERATOR_NAMESPACE, Testbed.OPERATOR_ACCOUNT, Duration.ofMinutes(10));
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(ControlPlane.trusting(proxy.certificate()))
            .build();
    HttpResponse<InputStream> watch =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(proxy.url() + "/api/v1/namespaces/" + ns + "/configmaps?watch=true"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(watch.statusCode()).isEqualTo(200);
    assertThat(watch.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
      for (int i = 1; i <= 3; i++) {
        String name = "streamed-" + i;
        bed.admin()
            .configMaps()
            .inNamespace(ns)
            .resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
        String event = CompletableFuture.supplyAsync(() -> line(events)).get(10, TimeUnit.SECONDS);
        assertThat(event).as("event %d, while the watch stays open", i).contains("ADDED", name);
      }
    }
  }

  private static String line(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aScaleUpThroughFaultsEndsWithEachWorkerCreatedOnce() throws IOException {
    Fleet fleet = new Fleet(bed, bed.namespace("faults-scale"), this::logs);
    OperatorProcess op = operator(fleet.namespace);
    fleet.create("web", 2, "agent:1", d -> {});
    fleet.awaitRolledOut("web", 2);

    Instant from = Instant.now();
    proxy.inject(faults(fleet.namespace));
    fleet.kubectl("scale", "agd/web", "--replicas=8");
    fleet.eventually(
        CONVERGE, "web scaled to 8 through faults", () -> fleet.assertRolledOut("web", 8));
    Duration took = Duration.between(from, Instant.now());
    proxy.inject(Rule.NONE);

    String ns = fleet.namespace;
    assertThat(op.alive()).as(op.seeLog()).isTrue();
    assertThat(bed.audit().creations(ns, "pods"))
        .as("2 workers, then 6 more, each name created once; " + op.seeLog())
        .hasSize(8)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    assertThat(bed.audit().mostPodsAlive(ns))
        .as("never more workers than asked for; " + op.seeLog())
        .isLessThanOrEqualTo(8);
    assertThat(operatorDeletions(ns, op, from)).as("nothing deleted; " + op.seeLog()).isEmpty();
    Tally tally = Tally.of(proxy.writes(), ns, from);
    System.out.println(
        "scale-up 2 -> 8 through faults in "
            + took.toMillis()
            + " ms: "
            + tally
            + "; WebSocket watches relayed so far: "
            + proxy.webSockets());
    assertThat(tally.injected())
        .as("faults were injected")
        .isGreaterThanOrEqualTo(Boolean.getBoolean(NO_FAULTS) ? 0 : 4);
    assertThat(tally.podCreates())
        .as("pod creations tried: 6 needed; " + tally)
        .isBetween(6L, 6L + 3 * tally.injected());
    assertThat(tally.attempts())
        .as("write attempts, no retry loop; " + tally)
        .isLessThanOrEqualTo(writeBound(SCALE_UP_WRITES, tally));
    assertQuiet(fleet, op);
  }

  @Test
  void aRolloutThroughFaultsEndsOnTheNewRevisionWithinItsSurge() throws IOException {
    Fleet fleet = new Fleet(bed, bed.namespace("faults-rollout"), this::logs);
    OperatorProcess op = operator(fleet.namespace);
    fleet.create(
        "web",
        4,
        "agent:1",
        d -> {
          RollingUpdate r = new RollingUpdate();
          r.setMaxSurge("1");
          Strategy s = new Strategy();
          s.setRollingUpdate(r);
          d.getSpec().setStrategy(s);
        });
    fleet.awaitRolledOut("web", 4);
    Set<String> old = names(fleet.livePods("web"));

    Instant from = Instant.now();
    proxy.inject(faults(fleet.namespace));
    fleet.setImage("web", "agent:2");
    fleet.eventually(
        CONVERGE, "web rolled out through faults", () -> fleet.assertRolledOut("web", 4));
    Duration took = Duration.between(from, Instant.now());
    proxy.inject(Rule.NONE);

    String ns = fleet.namespace;
    assertThat(op.alive()).as(op.seeLog()).isTrue();
    assertThat(fleet.images("web")).containsOnly("agent:2");
    assertThat(bed.audit().creations(ns, "pods"))
        .as("4 workers, then 4 of the new revision, each name created once; " + op.seeLog())
        .hasSize(8)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    assertThat(bed.audit().creations(ns, "controllerrevisions"))
        .as("one ControllerRevision per template, each created once; " + op.seeLog())
        .hasSize(2)
        .allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
    assertThat(bed.audit().mostPodsAlive(ns))
        .as("workers alive at once: 4 + maxSurge 1; " + op.seeLog())
        .isLessThanOrEqualTo(5);
    // A deletion whose answer was lost is sent again by the client and accepted again (the pod is
    // draining already): the same drain, asked twice, not a second pod removed.
    assertThat(operatorDeletions(ns, op, from).keySet())
        .as("the four old workers drained, no new one; " + op.seeLog())
        .isEqualTo(old);
    Tally tally = Tally.of(proxy.writes(), ns, from);
    System.out.println("rollout of 4 through faults in " + took.toMillis() + " ms: " + tally);
    assertThat(tally.injected())
        .as("faults were injected")
        .isGreaterThanOrEqualTo(Boolean.getBoolean(NO_FAULTS) ? 0 : 4);
    assertThat(tally.attempts())
        .as("write attempts, no retry loop; " + tally)
        .isLessThanOrEqualTo(writeBound(ROLLOUT_WRITES, tally));
    assertQuiet(fleet, op);
  }

  /**
   * Only the fleet's namespace: the Lease lives in the operator's, and a leader that cannot renew
   * it for 10 s exits by design (FailoverIT and RbacIT show that), which is not what this is about.
   */
  private static Rule faults(String namespace) {
    return Boolean.getBoolean(NO_FAULTS)
        ? Rule.NONE
        : Rule.everyNth(3, "/namespaces/" + namespace + "/", EVERY_KIND);
  }

  /** Once converged and the faults gone, the operator stops writing: no loop left running. */
  private static void assertQuiet(Fleet fleet, OperatorProcess op) {
    Instant quietFrom = Instant.now().plusSeconds(3);
    sleep(Duration.ofSeconds(13));
    List<Write> late =
        proxy.writes().stream()
            .filter(w -> w.target().contains("/namespaces/" + fleet.namespace + "/"))
            .filter(w -> w.at().isAfter(quietFrom))
            .toList();
    assertThat(late).as("writes 3 to 13 s after converging; " + op.seeLog()).isEmpty();
  }

  /**
   * Runs the same changes with no fault injected: what gives the no-fault figures below (failsafe
   * passes {@code -Dagentfleet.it.no-faults=true} on).
   */
  private static final String NO_FAULTS = "agentfleet.it.no-faults";

  /** Writes the scale-up 2 → 8 took with no fault (measured). */
  private static final long SCALE_UP_WRITES = 17;

  /** Writes the rollout of 4 took with no fault (measured). */
  private static final long ROLLOUT_WRITES = 34;

  /**
   * At most twice the writes of the same change without faults (their count varies with how status
   * patches and reports interleave), plus three attempts per fault: the client's own retry of a
   * 5xx, the controller's retry of the reconcile a 409 failed, and the write that retry redoes. A
   * retry loop exceeds it within seconds, and {@link #assertQuiet} catches a slower one.
   */
  private static long writeBound(long noFaultWrites, Tally tally) {
    return 2 * noFaultWrites + 3 * tally.injected();
  }

  /**
   * The writes to one namespace the proxy saw from a moment on.
   *
   * @param attempts every write the client sent
   * @param podCreates the pod creations among them, each attempt counted
   * @param injectedByKind how many got a fault, by kind
   * @param byWhat attempts by method and resource, e.g. {@code POST pods}
   */
  record Tally(
      long attempts, long podCreates, Map<Fault, Long> injectedByKind, Map<String, Long> byWhat) {

    static Tally of(List<Write> writes, String namespace, Instant from) {
      List<Write> mine =
          writes.stream()
              .filter(w -> w.target().contains("/namespaces/" + namespace + "/"))
              .filter(w -> !w.at().isBefore(from))
              .toList();
      Map<Fault, Long> injected = new EnumMap<>(Fault.class);
      mine.forEach(w -> w.fault().ifPresent(f -> injected.merge(f, 1L, Long::sum)));
      return new Tally(
          mine.size(),
          mine.stream().filter(w -> w.method().equals("POST") && w.on("pods")).count(),
          injected,
          mine.stream()
              .collect(
                  Collectors.groupingBy(
                      w -> w.method() + " " + what(w.target()), Collectors.counting())));
    }

    long injected() {
      return injectedByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** e.g. {@code pods}, {@code agentdeployments/status}: the path after the namespace. */
    private static String what(String target) {
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      String[] parts = path.substring(path.indexOf("/namespaces/") + 1).split("/");
      // namespaces, <ns>, resource[, name[, subresource]]
      return parts.length > 4 ? parts[2] + "/" + parts[4] : parts[2];
    }

    @Override
    public String toString() {
      return "%d write attempts (%s), injected %d: %s"
          .formatted(attempts, byWhat, injected(), injectedByKind);
    }
  }

  private static Map<String, Long> operatorDeletions(
      String namespace, OperatorProcess operator, Instant since) {
    return bed.audit().by(operator.user(), since).stream()
        .filter(w -> namespace.equals(w.namespace()))
        .filter(w -> w.is("delete", "pods") && w.code() == 200)
        .collect(Collectors.groupingBy(AuditLog.Request::name, Collectors.counting()));
  }

  String logs() {
    return running.stream().map(OperatorProcess::seeLog).collect(Collectors.joining(", "));
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
