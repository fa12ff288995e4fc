package io.agentfleet.sandbox.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.agentfleet.controlplane.BenchmarkReport;
import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.controlplane.LiveKitServer;
import io.agentfleet.controlplane.PrivateNetwork;
import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.launcher.WorkerImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * B4, agent join and memory: our Java worker, a real Python {@code livekit-agents} worker (its
 * default process-per-job executor) and a real Node {@code @livekit/agents} worker, one at a time,
 * on the same real livekit-server. Each gets N dispatches at once; every job runs the same
 * behaviour, the examples' {@code echo} agent (join the room, publish an audio track, subscribe to
 * audio) in a room without a caller, so no media flows. It measures dispatch → the agent
 * participant active in the room (the server's {@code participant active}: signalling and ICE
 * done), and the worker's memory with N calls in progress, as the proportional set size (PSS) of
 * the worker and every process it started, less the same idle. WebRTC needs a real interface, so
 * the server and the workers run in a private network namespace.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl sandbox -am verify -Pbenchmark -Dtest=JoinBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}; {@code -Dbench.quick=true} runs N = 1, 2.
 */
@Tag("benchmark")
class JoinBenchmark {
  private static final String KEY = "devkey";
  private static final String SECRET = "join-benchmark-secret-long-enough-for-hs256";

  /** How each worker runs: the image rule, and the env that lets it take every call given. */
  enum Runtime {
    JAVA,
    /** livekit-agents with its default executor: a process per job. */
    PYTHON,
    /** The Python example as it ships: jobs on threads of the worker process. */
    PYTHON_THREADS,
    NODE;

    String lower() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One runtime at one N: join latencies in ms, sorted, and memory. */
  record Row(
      Runtime runtime, int calls, int noAgent, List<Long> joinMs, long idleKiB, long busyKiB) {
    long p(double q) {
      return joinMs.get((int) Math.min(joinMs.size() - 1, Math.ceil(q * joinMs.size()) - 1));
    }

    /** Memory per call that got its agent. */
    long perCallKiB() {
      return (busyKiB - idleKiB) / Math.max(1, joinMs.size());
    }

    String line() {
      return "ROW %s %d %d %d %d %s".formatted(runtime, calls, noAgent, idleKiB, busyKiB, joinMs);
    }

    static Row parse(String line) {
      String[] f = line.split(" ", 7);
      String list = f[6].replaceAll("[\\[\\] ]", "");
      List<Long> ms =
          list.isEmpty()
              ? List.of()
              : Arrays.stream(list.split(",")).map(Long::parseLong).sorted().toList();
      return new Row(
          Runtime.valueOf(f[1]),
          Integer.parseInt(f[2]),
          Integer.parseInt(f[3]),
          ms,
          Long.parseLong(f[4]),
          Long.parseLong(f[5]));
    }
  }

  @Test
  void joinLatencyAndMemoryPerCall() throws Exception {
    Optional<String> noNamespace = PrivateNetwork.unavailable();
    assumeTrue(noNamespace.isEmpty(), () -> "B4 needs a network namespace: " + noNamespace.get());
    Path repo = WorkerImage.repoRoot();
    Path logs = Path.of("target", "bench", "join").toAbsolutePath();
    for (AgentSdk sdk : AgentSdk.values()) {
      Optional<String> problem = AgentEnvironments.problem(sdk, repo, logs);
      assertThat(problem).as("%s environment", sdk).isEmpty();
    }
    boolean quick = Boolean.getBoolean("bench.quick");
    String ns = quick ? "1,2" : "1,10,50";
    Path workerJar = Path.of(System.getProperty("sandbox.worker.jar")).toAbsolutePath();
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            Scenario.class,
            Duration.ofMinutes(quick ? 5 : 25),
            PrivateNetwork.ADDRESS,
            repo.toString(),
            workerJar.toString(),
            logs.toString(),
            ns);
    System.out.println(result.output());
    assertThat(result.exitCode()).as("the scenario's exit code").isZero();
    List<Row> rows =
        result.output().lines().filter(l -> l.startsWith("ROW ")).map(Row::parse).toList();
    List<Integer> sizes = Arrays.stream(ns.split(",")).map(Integer::parseInt).toList();
    assertThat(rows).hasSize(sizes.size() * Runtime.values().length);
    for (Row row : rows) {
      assertThat(row.joinMs().size() + row.noAgent()).isEqualTo(row.calls());
      assertThat(row.joinMs()).as("%s agents that joined", row.runtime()).isNotEmpty();
    }
    write(rows, sizes, quick);
  }

  private static void write(List<Row> rows, List<Integer> sizes, boolean quick) throws IOException {
    StringBuilder table =
        new StringBuilder(
            "| worker | N at once | no agent | join p50 | join p99 | × Java (p50) | memory idle |"
                + " per call | × Java (per call) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int n : sizes) {
      Row java = find(rows, Runtime.JAVA, n);
      for (Runtime r : Runtime.values()) {
        Row row = find(rows, r, n);
        table.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d ms | %d ms | %.1f× | %d MiB | %.1f MiB | %.1f× |%n",
                label(r),
                n,
                row.noAgent(),
                row.p(0.5),
                row.p(0.99),
                row.p(0.5) / (double) Math.max(1, java.p(0.5)),
                row.idleKiB() / 1024,
                row.perCallKiB() / 1024.0,
                row.perCallKiB() / (double) Math.max(1, java.perCallKiB())));
      }
    }
    String command =
        "./mvnw -B -ntp -pl sandbox -am verify -Pbenchmark -Dtest=JoinBenchmark"
            + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs"
            + (quick ? " -Dbench.quick=true" : "");
    String section =
        "## B4: agent join and memory per call\n\n"
            + "One worker at a time on the same livekit-server v1.13.5 (single node, in a private"
            + " network namespace on this machine): our Java worker (`-XX:+UseSerialGC -Xmx256m`),"
            + " the Python example on livekit-agents 1.8.9 with the SDK's default executor (a"
            + " process per job) and with the threads it ships with (`AGENTFLEET_JOB_EXECUTOR`),"
            + " and the Node example on @livekit/agents 1.9.0 (a process per job). Each is given"
            + " N dispatches at once and runs the same `echo` agent for each: join the room,"
            + " publish an audio track, subscribe to audio; the rooms have no caller, so no media"
            + " flows and no model runs. Every worker counts load in jobs and takes all N (max"
            + " jobs 60). *No agent*: dispatches that never got an agent in the room: the worker"
            + " said it was not available when the server offered the job (livekit-server then"
            + " drops it; under Agentfleet the operator dispatches it again), or the job failed"
            + " in the worker (no agent joined for a minute, or none within 3 minutes); they are"
            + " left out of the other"
            + " columns. *Join*: from the CreateDispatch request to the server's `participant"
            + " active` for the agent (signalling and ICE done). *Memory*: proportional set size"
            + " (`Pss` of `/proc/<pid>/smaps_rollup`, so pages shared between a worker and its job"
            + " processes count once) of the worker and everything it started, idle before the"
            + " before each N's calls, and with them in progress; *per call* = (with the calls −"
            + " idle) / calls that joined. Java's first call loads the WebRTC engine (a one-off"
            + " cost, in its N = 1 row).\n\n"
            + "- Command: `"
            + command
            + "`\n"
            + "- Measured: "
            + BenchmarkReport.machine()
            + "\n\n"
            + table;
    Path docs = quick ? Path.of("target", "bench") : Path.of("..", "docs");
    BenchmarkReport.write(docs.resolve("benchmarks.md"), "b4-join", section);
  }

  private static String label(Runtime r) {
    return switch (r) {
      case JAVA -> "Java (Agentfleet worker)";
      case PYTHON -> "Python (livekit-agents, process per job)";
      case PYTHON_THREADS -> "Python (livekit-agents, threads, as the example ships)";
      case NODE -> "Node (@livekit/agents)";
    };
  }

  private static Row find(List<Row> rows, Runtime r, int n) {
    return rows.stream().filter(x -> x.runtime() == r && x.calls() == n).findFirst().orElseThrow();
  }

  /**
   * The measurement, run inside the namespace. Args: address, repository root, worker jar, log
   * folder, N values (comma-separated). Prints one {@code ROW} line per runtime and N.
   */
  public static final class Scenario {
    private static final Duration SLOW = Duration.ofMinutes(5);
    private static final Duration QUIET = Duration.ofMinutes(1);

    /** Longest wait for N agents; the ones not in by then count as no agent. */
    private static final Duration JOINS = Duration.ofMinutes(3);

    public static void main(String[] args) throws Exception {
      String address = args[0];
      Path repo = Path.of(args[1]);
      Path workerJar = Path.of(args[2]);
      Path logs = Path.of(args[3]);
      List<Integer> sizes = Arrays.stream(args[4].split(",")).map(Integer::parseInt).toList();
      // The server appends to its log, which is read from its start: no earlier run's rooms.
      Path serverDir = logs.resolve("livekit");
      if (Files.isDirectory(serverDir)) {
        try (Stream<Path> old = Files.walk(serverDir)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
      try (LiveKitServer livekit =
          LiveKitServer.start(
              LiveKitServer.Options.in(serverDir, KEY, SECRET).withAddresses(address, address))) {
        LiveKitApi api = new LiveKitApi(livekit.httpUrl(), KEY, SECRET);
        LiveKitLog log = new LiveKitLog(livekit.log());
        for (Runtime runtime : Runtime.values()) {
          measure(runtime, sizes, repo, workerJar, logs, livekit, api, log);
        }
      }
      System.exit(0);
    }

    private static void measure(
        Runtime runtime,
        List<Integer> sizes,
        Path repo,
        Path workerJar,
        Path logs,
        LiveKitServer livekit,
        LiveKitApi api,
        LiveKitLog log)
        throws Exception {
      String agent = runtime.lower() + "-join";
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AGENTFLEET_LOAD_FUNCTION", "jobs");
      env.put("AGENTFLEET_MAX_JOBS", "60");
      env.put("AGENTFLEET_LOAD_THRESHOLD", "1.0");
      env.put("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", "10");
      env.put("AGENTFLEET_JOB_EXECUTOR", runtime == Runtime.PYTHON_THREADS ? "thread" : "process");
      try (AgentProcess worker =
          AgentProcess.start(
              rule(runtime, repo, workerJar), env, agent, livekit.url(), KEY, SECRET, logs)) {
        awaitUntil(
            SLOW,
            agent + " registered",
            () ->
                log.find("worker registered", e -> agent.equals(e.field("agentName"))).isPresent());
        Thread.sleep(3000);
        for (int n : sizes) {
          long idle = pssKiB(worker.handle());
          Map<String, Instant> sent = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            String room = agent + "-" + n + "-" + i;
            sent.put(room, Instant.now());
            api.dispatch(room, agent, "{\"agent\": \"echo\"}");
          }
          Map<String, Instant> active = new LinkedHashMap<>();
          Set<String> refused = new HashSet<>();
          // A job that fails in the worker (e.g. its process does not start in time) never
          // shows up: stop waiting once no agent has joined for a minute.
          int[] seen = {0};
          Instant[] lastJoin = {Instant.now()};
          awaitAtMost(
              JOINS,
              () -> {
                if (active.size() > seen[0]) {
                  seen[0] = active.size();
                  lastJoin[0] = Instant.now();
                } else if (lastJoin[0].plus(QUIET).isBefore(Instant.now())) {
                  return true;
                }
                for (LiveKitLog.Entry e : log.entries()) {
                  String room = e.field("room");
                  if (!sent.containsKey(room)) {
                    continue;
                  }
                  if (e.message().equals("participant active")
                      && e.field("participant").startsWith("agent-")) {
                    active.putIfAbsent(room, e.time());
                  } else if (e.message().equals("no worker available to handle job")) {
                    refused.add(room);
                  }
                }
                refused.removeAll(active.keySet());
                return active.size() + refused.size() == n;
              });
          // Memory once every agent has settled in its room.
          Thread.sleep(3000);
          long busy = pssKiB(worker.handle());
          List<Long> joins =
              active.entrySet().stream()
                  .map(e -> Duration.between(sent.get(e.getKey()), e.getValue()).toMillis())
                  .sorted()
                  .toList();
          System.out.println(new Row(runtime, n, n - active.size(), joins, idle, busy).line());
          for (String room : sent.keySet()) {
            api.deleteRoom(room);
          }
          try {
            awaitUntil(
                SLOW,
                runtime + " jobs over",
                () ->
                    WorkerReportParser.parse(worker.workerBody(), WorkerStatusFormat.AUTO)
                            .activeJobs()
                        == 0);
          } catch (IllegalStateException stuck) {
            // A worker that still counts a failed job: the next idle reading includes it.
            System.out.println("NOTE " + stuck.getMessage());
          }
          // Job processes that end take a moment to go; the next idle reading waits for them.
          Thread.sleep(5000);
        }
      }
    }

    private static ImageRule rule(Runtime runtime, Path repo, Path workerJar) {
      return switch (runtime) {
        case JAVA -> {
          ImageRule sandboxRule = WorkerImage.rule(workerJar);
          List<String> command =
              List.of(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-XX:+UseSerialGC",
                  "-Xmx256m",
                  "-jar",
                  workerJar.toString());
          yield new ImageRule(
              sandboxRule.image(), command, sandboxRule.defaultArgs(), sandboxRule.env());
        }
        case PYTHON, PYTHON_THREADS -> WorkerImage.pythonAgentRule(repo);
        case NODE -> WorkerImage.nodeAgentRule(repo);
      };
    }

    /** PSS of a process and all its descendants, in KiB. */
    static long pssKiB(ProcessHandle root) {
      return Stream.concat(Stream.of(root), root.descendants()).mapToLong(Scenario::pssOf).sum();
    }

    private static long pssOf(ProcessHandle p) {
      try {
        for (String line :
            Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "smaps_rollup"))) {
          if (line.startsWith("Pss:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException gone) {
        // ended between listing and reading
      }
      return 0;
    }

    interface Check {
      boolean holds() throws Exception;
    }

    private static void awaitAtMost(Duration atMost, Check check) throws Exception {
      Instant deadline = Instant.now().plus(atMost);
      while (!check.holds() && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
    }

    private static void awaitUntil(Duration atMost, String what, Check check) throws Exception {
      Instant deadline = Instant.now().plus(atMost);
      while (!check.holds()) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(what + ": not within " + atMost);
        }
        Thread.sleep(100);
      }
    }
  }
}
