package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.sandbox.launcher.NetworkNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 end to end: {@code ./sandbox/run --media 4} (real livekit-server, real operator, Java
 * workers running the echo agent, callers that speak for 150 s), two workers with calls. With
 * {@code spec.redispatch} on, one worker is killed with SIGKILL: every call it carried gets a new
 * agent, each once, and the calls on the other worker are untouched. Then, with it off, the other
 * worker is killed: nothing is dispatched. Measured from livekit-server's log of the webhooks it
 * sent: the gap between the old agent leaving and the new one joining, and the caller's silence
 * from the kill.
 */
class RedispatchSystemTest {

  static final Pattern WEBHOOK =
      Pattern.compile(
          "^(\\S+)\\s.*sent webhook.*\"event\": \"(participant_joined|participant_left)\".*"
              + "\"room\": \"([^\"]+)\".*\"participant\": \"([^\"]+)\"");
  static final Pattern ASSIGNED = Pattern.compile("assigned job to worker.*\"room\": \"([^\"]+)\"");

  record Seen(Instant at, String event, String room, String participant) {
    boolean agent() {
      return participant.startsWith("agent-");
    }
  }

  @Test
  void callsOfAKilledWorkerGetANewAgentOnceAndNothingHappensWhenOff() throws Exception {
    Optional<String> missing = NetworkNamespace.missing();
    Assumptions.assumeTrue(missing.isEmpty(), () -> "--media needs " + missing.orElse(""));
    String name = "redispatch";
    Path workdir = Path.of(System.getProperty("sandbox.workdir"), name);
    Files.deleteIfExists(workdir.resolve("kubeconfig"));
    Path log = workdir.resolve("livekit/livekit-server.log");
    Files.deleteIfExists(log);
    Path trace = Files.createDirectories(workdir.getParent()).resolve(name + "-trace.csv");
    // Four calls of 150 s, once the two workers are up.
    Files.writeString(trace, "arrival_s,duration_s,agent\n30,150,\n31,150,\n32,150,\n33,150,\n");

    CompletableFuture<LauncherRun> launcher =
        CompletableFuture.supplyAsync(
            () ->
                LauncherRun.execute(
                    name,
                    "--media",
                    "4",
                    "--no-autoscale",
                    "--replicas",
                    "2",
                    "--trace",
                    trace.toString(),
                    "--duration",
                    "210"));
    until(() -> Files.exists(workdir.resolve("kubeconfig")), Duration.ofSeconds(120));
    Config config = Config.fromKubeconfig(Files.readString(workdir.resolve("kubeconfig")));
    Set<String> lostRooms = new HashSet<>();
    Set<String> droppedRooms = new HashSet<>();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      var agd =
          client.resources(AgentDeployment.class).inNamespace("default").withName("sandbox-agent");
      until(() -> agd.get() != null, Duration.ofSeconds(60));
      redispatch(agd, true);
      until(
          () ->
              seen(log).stream().filter(s -> !s.agent() && joined(s)).count() == 4
                  && seen(log).stream().filter(s -> s.agent() && joined(s)).count() == 4,
          Duration.ofSeconds(120));

      Map<String, Long> workers = workerPids(client);
      assertThat(workers).hasSize(2);
      Map<String, Integer> jobs = new HashMap<>();
      workers.forEach((pod, pid) -> jobs.put(pod, activeJobs(pid)));
      String first =
          jobs.entrySet().stream().filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey();
      // The server may place all four calls on the first worker to register: then the other
      // one starts empty and takes every re-dispatched call.
      String second =
          workers.keySet().stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();

      Instant kill1 = Instant.now();
      ProcessHandle.of(workers.get(first)).orElseThrow().destroyForcibly();
      until(
          () ->
              lostAfter(log, kill1).size() == jobs.get(first)
                  && lostAfter(log, kill1).stream().allMatch(l -> joinedAfter(log, l).isPresent()),
          Duration.ofSeconds(90));
      List<Seen> lost = lostAfter(log, kill1);
      lost.forEach(l -> lostRooms.add(l.room()));
      List<Long> gaps = new ArrayList<>();
      List<Long> silences = new ArrayList<>();
      for (Seen l : lost) {
        Seen next = joinedAfter(log, l).orElseThrow();
        gaps.add(Duration.between(l.at(), next.at()).toMillis());
        silences.add(Duration.between(kill1, next.at()).toMillis());
      }
      // The calls on the other worker: their agents stayed, and nobody was sent to them.
      Thread.sleep(5000);
      assertThat(lostAfter(log, kill1)).hasSize(jobs.get(first));
      Map<String, Long> assigned = assigned(log);
      for (Seen l : lost) {
        assertThat(assigned.get(l.room())).as("jobs in %s", l.room()).isEqualTo(2);
      }
      assertThat(assigned.values().stream().mapToLong(Long::longValue).sum())
          .as("jobs: one per call, one more per lost call: %s", assigned)
          .isEqualTo(4 + lost.size());

      // Off: the other worker dies, its calls (re-dispatched ones too) keep no agent.
      redispatch(agd, false);
      Thread.sleep(3000);
      Instant kill2 = Instant.now();
      ProcessHandle.of(workers.get(second)).orElseThrow().destroyForcibly();
      // Its own calls and those re-dispatched to it are lost; the ledger below checks that they
      // were dropped for good.
      until(() -> !lostAfter(log, kill2).isEmpty(), Duration.ofSeconds(60));
      Thread.sleep(15000);
      List<Seen> lostOff = lostAfter(log, kill2);
      lostOff.forEach(l -> droppedRooms.add(l.room()));
      assertThat(lostOff).allSatisfy(l -> assertThat(joinedAfter(log, l)).isEmpty());
      assertThat(assigned(log)).isEqualTo(assigned);

      List<Long> sorted = gaps.stream().sorted().toList();
      List<Long> silent = silences.stream().sorted().toList();
      System.out.printf(
          "redispatch: %d calls on the killed worker, each got a new agent; gap old agent left ->"
              + " new agent joined p50 %d ms, max %d ms; caller's silence from SIGKILL p50 %d ms,"
              + " max %d ms; with redispatch off %d calls lost, none dispatched again%n",
          lost.size(),
          sorted.get((sorted.size() - 1) / 2),
          sorted.get(sorted.size() - 1),
          silent.get((silent.size() - 1) / 2),
          silent.get(silent.size() - 1),
          lostOff.size());
    }
    LauncherRun run = launcher.get();
    assertThat(run.exitCode()).isZero();
    run.assertNothingLeftBehind();

    // The call ledger follows each call through its re-dispatch: the calls of the first worker got
    // a new agent (their gap: the server losing the worker to the new job placed); the second kill,
    // with re-dispatch off, dropped the calls on that worker for good.
    List<String> ledger = Files.readAllLines(workdir.resolve("calls.csv"));
    List<String> header = List.of(ledger.get(0).split(","));
    int room = header.indexOf("room");
    int gap = header.indexOf("agent_gap_ms");
    int outcome = header.indexOf("outcome");
    Map<String, String[]> byRoom = new HashMap<>();
    ledger.stream().skip(1).map(l -> l.split(",", -1)).forEach(c -> byRoom.put(c[room], c));
    assertThat(byRoom).hasSize(4);
    List<Long> ledgerGaps = new ArrayList<>();
    for (String[] call : byRoom.values()) {
      boolean wasLost = lostRooms.contains(call[room]);
      assertThat(call[gap].isEmpty())
          .as("agent gap of %s", String.join(",", call))
          .isEqualTo(!wasLost);
      // A re-dispatched call may have gone to the replacement of the first worker (its pod
      // restarts): the second kill does not touch it, and it runs to its end.
      if (droppedRooms.contains(call[room])) {
        assertThat(call[outcome]).as(String.join(",", call)).isEqualTo("DROPPED");
      } else {
        assertThat(call[outcome]).as(String.join(",", call)).startsWith("COMPLETED");
      }
      if (wasLost) {
        ledgerGaps.add(Long.parseLong(call[gap]));
      }
    }
    List<Long> sortedGaps = ledgerGaps.stream().sorted().toList();
    System.out.printf(
        "redispatch ledger: %d calls resumed, time without an agent (worker lost -> new job placed)"
            + " p50 %d ms, max %d ms%n",
        sortedGaps.size(),
        sortedGaps.get((sortedGaps.size() - 1) / 2),
        sortedGaps.get(sortedGaps.size() - 1));
  }

  private static void redispatch(
      io.fabric8.kubernetes.client.dsl.Resource<AgentDeployment> agd, boolean on) {
    Fleet.edit(
        agd,
        d -> {
          var r = new io.agentfleet.api.v1alpha1.Redispatch();
          r.setEnabled(on);
          d.getSpec().setRedispatch(r);
          return d;
        });
  }

  private static boolean joined(Seen s) {
    return s.event().equals("participant_joined");
  }

  /** Agents that left after the instant. */
  private static List<Seen> lostAfter(Path log, Instant after) {
    return seen(log).stream()
        .filter(s -> s.agent() && !joined(s) && s.at().isAfter(after))
        .toList();
  }

  /** The first agent that joined the room after this one left. */
  private static Optional<Seen> joinedAfter(Path log, Seen left) {
    return seen(log).stream()
        .filter(s -> s.agent() && joined(s) && s.room().equals(left.room()))
        .filter(s -> s.at().isAfter(left.at()))
        .findFirst();
  }

  private static List<Seen> seen(Path log) {
    List<Seen> seen = new ArrayList<>();
    for (String line : lines(log)) {
      Matcher m = WEBHOOK.matcher(line);
      if (m.find()) {
        seen.add(new Seen(Instant.parse(m.group(1)), m.group(2), m.group(3), m.group(4)));
      }
    }
    return seen;
  }

  private static Map<String, Long> assigned(Path log) {
    return lines(log).stream()
        .map(ASSIGNED::matcher)
        .filter(Matcher::find)
        .collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
  }

  private static List<String> lines(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Each pod's worker process, by the HOSTNAME the kubelet gives it (the pod's name). */
  private static Map<String, Long> workerPids(KubernetesClient client) {
    List<String> pods =
        client.pods().inNamespace("default").list().getItems().stream()
            .map(Pod::getMetadata)
            .map(m -> m.getName())
            .toList();
    Map<String, Long> pids = new HashMap<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("agentfleet-worker"))
        .forEach(
            p -> {
              String env = environ(p.pid());
              for (String pod : pods) {
                if (env.contains("\0HOSTNAME=" + pod + "\0")
                    || env.startsWith("HOSTNAME=" + pod + "\0")) {
                  pids.put(pod, p.pid());
                }
              }
            });
    return pids;
  }

  private static String environ(long pid) {
    try {
      return "\0"
          + Files.readString(
              Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /** The worker's calls from its status server, inside the sandbox's network namespace. */
  private static int activeJobs(long pid) {
    try {
      String port =
          java.util.Arrays.stream(environ(pid).split("\0"))
              .filter(e -> e.startsWith("AGENTFLEET_HTTP_PORT="))
              .map(e -> e.substring("AGENTFLEET_HTTP_PORT=".length()))
              .findFirst()
              .orElseThrow();
      Process curl =
          new ProcessBuilder(
                  "nsenter",
                  "--net=/proc/" + pid + "/ns/net",
                  "curl",
                  "-s",
                  "http://127.0.0.1:" + port + "/worker")
              .redirectErrorStream(true)
              .start();
      String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      curl.waitFor();
      Matcher m = Pattern.compile("\"active_jobs\":(\\d+)").matcher(body);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void until(BooleanSupplier condition, Duration atMost)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + atMost);
      }
      Thread.sleep(500);
    }
  }
}
