package io.agentfleet.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.controlplane.BenchmarkReport;
import io.agentfleet.operator.ScriptedWorker;
import io.agentfleet.operator.bench.Bench;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * B5, the operator's footprint: many AgentDeployments of many worker pods on a real API server,
 * with the operator as packaged in its own process (the heap its image takes under the manifest's
 * 512 MiB limit), scripted worker status endpoints standing in for the worker processes (no
 * container runtime here), and every request the API server answers audited. It measures the way in
 * (create to every worker ready) and then a steady state in which nothing changes: reconciles,
 * their time, status polls, API requests, CPU and memory.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl operator -am verify -Pbenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FootprintBenchmark}; {@code -Dbench.quick=true}
 * runs 5 × 4 for 30 s.
 */
@Tag("benchmark")
class FootprintBenchmark {

  private static final long CLOCK_TICKS_PER_SECOND = 100;

  @Test
  void operatorFootprintAtScale() throws Exception {
    boolean quick = Bench.quick();
    int deployments = quick ? 5 : 100;
    int podsEach = quick ? 4 : 20;
    int perNamespace = quick ? 5 : 10;
    Duration steady = quick ? Duration.ofSeconds(30) : Duration.ofSeconds(180);
    Duration settle = Duration.ofSeconds(20);
    List<String> jvm = List.of("-Xmx384m", "-XX:+UseSerialGC");

    try (Testbed bed = Testbed.start("footprint", o -> o.withReadsAudited());
        OperatorProcess operator =
            OperatorProcess.start(bed, "operator-0", Testbed.OPERATOR_ACCOUNT, Map.of(), jvm)
                .awaitReady()) {
      List<Fleet> fleets = new ArrayList<>();
      for (int n = 0; n < deployments / perNamespace; n++) {
        fleets.add(new Fleet(bed, bed.namespace("footprint"), operator::seeLog));
      }
      Scrape before = Scrape.of(operator);
      Instant created = Instant.now();
      for (Fleet fleet : fleets) {
        for (int i = 0; i < perNamespace; i++) {
          fleet.create("agents-" + i, podsEach, "agent:1", d -> {});
        }
      }
      fleets
          .get(0)
          .eventually(
              Duration.ofMinutes(10),
              "every AgentDeployment rolled out",
              () -> {
                for (Fleet fleet : fleets) {
                  for (int i = 0; i < perNamespace; i++) {
                    fleet.assertRolledOut("agents-" + i, podsEach);
                  }
                }
              });
      Duration wayIn = Duration.between(created, Instant.now());
      Scrape rolledOut = Scrape.of(operator);

      // Scripted load: every other worker carries a call, and stays so.
      int index = 0;
      for (Fleet fleet : fleets) {
        for (ScriptedWorker w : bed.kubelet().workers(fleet.namespace).values()) {
          w.report(index % 2, (index % 2) * 0.25);
          index++;
        }
      }
      Thread.sleep(settle.toMillis());

      Scrape start = Scrape.of(operator);
      long cpuStart = cpuTicks(operator.pid());
      Instant from = Instant.now();
      Thread.sleep(steady.toMillis());
      Scrape end = Scrape.of(operator);
      long cpuEnd = cpuTicks(operator.pid());
      Instant to = Instant.now();
      double seconds = Duration.between(from, to).toMillis() / 1000.0;
      double minutes = seconds / 60;
      Memory memory = memory(operator.pid());

      List<AuditLog.Request> steadyRequests =
          bed.audit().requests().stream()
              .filter(r -> r.by(operator.user()))
              .filter(r -> !r.at().isBefore(from) && r.at().isBefore(to))
              .toList();
      List<AuditLog.Request> wayInRequests =
          bed.audit().requests().stream()
              .filter(r -> r.by(operator.user()))
              .filter(r -> !r.at().isBefore(created) && r.at().isBefore(from))
              .toList();

      Histogram wayInTimes = Histogram.between(before, rolledOut);
      Histogram steadyTimes = Histogram.between(start, end);
      double reconcilesPerMinute = steadyTimes.count() / minutes;
      double pollsPerSecond =
          (end.sum("agentfleet_worker_status_latency_seconds_count")
                  - start.sum("agentfleet_worker_status_latency_seconds_count"))
              / seconds;
      double pollErrors =
          end.sum("agentfleet_worker_status_errors_total")
              - start.sum("agentfleet_worker_status_errors_total");
      double cpuCores = (cpuEnd - cpuStart) / (double) CLOCK_TICKS_PER_SECOND / seconds;
      int pods = deployments * podsEach;

      System.out.printf(
          "B5: %d deployments x %d pods: way in %d s, %d requests (%s); steady %.0f s: %.1f"
              + " reconciles/min, p50 %.1f ms p99 %.1f ms, %.0f polls/s (%.0f failed), CPU %.2f"
              + " cores, RSS %d MiB (peak %d MiB), requests %s%n",
          deployments,
          podsEach,
          wayIn.toSeconds(),
          wayInRequests.size(),
          byVerb(wayInRequests, r -> true),
          seconds,
          reconcilesPerMinute,
          steadyTimes.quantileMs(0.5),
          steadyTimes.quantileMs(0.99),
          pollsPerSecond,
          pollErrors,
          cpuCores,
          memory.rssMiB(),
          memory.peakMiB(),
          byVerb(steadyRequests, r -> true));

      // Only that it worked: every worker was polled about once a second, and none failed.
      assertThat(pollsPerSecond).isGreaterThan(pods * 0.5);
      assertThat(pollErrors).isZero();
      assertThat(wayInTimes.count()).isPositive();

      String command =
          "./mvnw -B -ntp -pl operator -am verify -Pbenchmark -Dtest=none"
              + " -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FootprintBenchmark"
              + (quick ? " -Dbench.quick=true" : "");
      String section =
          "## B5: operator footprint\n\n"
              + Bench.f(
                  "%d AgentDeployments × %d worker pods (%d pods, %d namespaces) on a real"
                      + " kube-apiserver and etcd (v1.37.2, this repository's control plane), the"
                      + " operator as packaged in its own JVM (`-Xmx384m -XX:+UseSerialGC`: the"
                      + " heap its image takes under the 512 MiB limit of `deploy/operator.yaml`),"
                      + " leader election on, under the ServiceAccount and ClusterRole of"
                      + " `deploy/rbac.yaml`. The worker pods are bound and reported Running by the"
                      + " test's kubelet and each answers `/worker` from a scripted endpoint of its"
                      + " own (a stand-in for the worker process: there is no container runtime"
                      + " here); every other worker reports one call. The API server audits every"
                      + " request, reads included; the figures count the operator's own. Control"
                      + " plane, kubelet, scripted workers and operator share the machine's cores.\n\n",
                  deployments, podsEach, pods, fleets.size())
              + "- Command: `"
              + command
              + "`\n"
              + "- Measured: "
              + Bench.machine()
              + "\n"
              + "- *Way in*: from creating the first AgentDeployment to every one rolled out"
              + " (all pods ready, status written). *Steady*: "
              + Bench.f("%.0f s", seconds)
              + " after a 20 s settle, nothing changing. Reconcile times from the operator's"
              + " `agentfleet_reconcile_duration_seconds` histogram (interpolated within a"
              + " bucket); CPU from `/proc/<pid>/stat`; memory `VmRSS` / `VmHWM` at the end.\n\n"
              + "| phase | duration | reconciles | reconcile p50 / p99 | API requests by the"
              + " operator | of them writes |\n"
              + "|---|---:|---:|---:|---|---:|\n"
              + Bench.f(
                  "| way in | %d s | %d | %s | %d (%s) | %d |\n",
                  wayIn.toSeconds(),
                  wayInTimes.count(),
                  wayInTimes.p50p99(),
                  wayInRequests.size(),
                  byVerb(wayInRequests, r -> true),
                  wayInRequests.stream().filter(AuditLog.Request::isWrite).count())
              + Bench.f(
                  "| steady | %.0f s | %d (%.1f per minute) | %s | %.1f per minute (%s) | %.1f per"
                      + " minute |\n\n",
                  seconds,
                  steadyTimes.count(),
                  reconcilesPerMinute,
                  steadyTimes.p50p99(),
                  steadyRequests.size() / minutes,
                  byVerb(steadyRequests, r -> true),
                  steadyRequests.stream().filter(AuditLog.Request::isWrite).count() / minutes)
              + "| at steady state | figure |\n|---|---:|\n"
              + Bench.f(
                  "| status polls | %.0f per second (%.0f failed) |\n", pollsPerSecond, pollErrors)
              + Bench.f("| operator CPU | %.2f cores |\n", cpuCores)
              + Bench.f(
                  "| operator memory | %d MiB resident (peak %d MiB) |\n",
                  memory.rssMiB(), memory.peakMiB());
      section +=
          "\nReading: at steady state the operator's only API traffic is its leader Lease (a get"
              + " and a renewal every 2 s); each AgentDeployment is reconciled once a minute (the"
              + " safety-net interval) and nothing is written. "
              + Bench.f(
                  "With %d workers the poller, at most 32 requests in flight"
                      + " (`agentfleet.operator.status-poll-concurrency`), read each worker every"
                      + " %.1f s rather than every 1 s. ",
                  pods, pods / Math.max(1, pollsPerSecond))
              + (memory.rssMiB() > 512
                  ? "Resident memory is above the 512 MiB limit of `deploy/operator.yaml` and the"
                      + " chart: a fleet this large needs the operator's limit raised (1 GiB)."
                  : "Resident memory stays under the 512 MiB limit of `deploy/operator.yaml`.")
              + "\n";
      BenchmarkReport.write(Bench.docs().resolve("benchmarks.md"), "b5-footprint", section);
    }
  }

  /** e.g. {@code 12 get, 3 watch}. */
  private static String byVerb(List<AuditLog.Request> requests, Predicate<AuditLog.Request> which) {
    Map<String, Long> counts =
        requests.stream()
            .filter(which)
            .collect(
                Collectors.groupingBy(
                    r -> r.verb() + " " + r.what(), TreeMap::new, Collectors.counting()));
    return counts.isEmpty()
        ? "none"
        : counts.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "));
  }

  /** User plus system time of a process, in clock ticks (fields 14 and 15 of its stat line). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(after[11]) + Long.parseLong(after[12]);
  }

  record Memory(long rssMiB, long peakMiB) {}

  private static Memory memory(long pid) throws IOException {
    long rss = 0;
    long peak = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line) / 1024;
      } else if (line.startsWith("VmHWM:")) {
        peak = kib(line) / 1024;
      }
    }
    return new Memory(rss, peak);
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  /** One reading of the operator's {@code /q/metrics}: each sample line, summed by name. */
  record Scrape(List<String> lines) {
    static Scrape of(OperatorProcess operator) throws IOException, InterruptedException {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return new Scrape(response.body().lines().filter(l -> !l.startsWith("#")).toList());
    }

    double sum(String name) {
      return lines.stream()
          .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
          .mapToDouble(Scrape::value)
          .sum();
    }

    /** Cumulative counts by upper bound (seconds) of the reconcile-time histogram. */
    TreeMap<Double, Double> reconcileBuckets() {
      TreeMap<Double, Double> buckets = new TreeMap<>();
      String prefix = "agentfleet_reconcile_duration_seconds_bucket{";
      for (String line : lines) {
        if (line.startsWith(prefix)) {
          int le = line.indexOf("le=\"") + 4;
          String bound = line.substring(le, line.indexOf('"', le));
          double upper =
              bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
          buckets.merge(upper, value(line), Double::sum);
        }
      }
      return buckets;
    }

    private static double value(String line) {
      return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
  }

  /** The reconciles between two scrapes, by time bucket. */
  record Histogram(TreeMap<Double, Double> cumulative) {
    static Histogram between(Scrape a, Scrape b) {
      TreeMap<Double, Double> earlier = a.reconcileBuckets();
      TreeMap<Double, Double> later = b.reconcileBuckets();
      TreeMap<Double, Double> delta = new TreeMap<>();
      later.forEach((le, n) -> delta.put(le, n - earlier.getOrDefault(le, 0.0)));
      return new Histogram(delta);
    }

    long count() {
      return cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
    }

    String p50p99() {
      return count() == 0
          ? "none"
          : Bench.f("%.1f ms / %.1f ms", quantileMs(0.5), quantileMs(0.99));
    }

    /** The quantile, linear within its bucket, in milliseconds; NaN with no reconcile. */
    double quantileMs(double q) {
      double total = count();
      if (total == 0) {
        return Double.NaN;
      }
      double rank = q * total;
      double lower = 0;
      double below = 0;
      for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
        if (bucket.getValue() >= rank) {
          double upper = bucket.getKey().isInfinite() ? lower : bucket.getKey();
          double inBucket = bucket.getValue() - below;
          double share = inBucket == 0 ? 1 : (rank - below) / inBucket;
          return (lower + (upper - lower) * share) * 1000;
        }
        lower = bucket.getKey();
        below = bucket.getValue();
      }
      return lower * 1000;
    }
  }
}
