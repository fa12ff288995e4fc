package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.agentfleet.controlplane.BenchmarkReport;
import io.agentfleet.sandbox.calls.CallOutcome;
import io.agentfleet.sandbox.calls.CallRecord;
import io.agentfleet.sandbox.launcher.SampleAgent;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.SandboxConfig;
import io.agentfleet.sandbox.launcher.WorkerImage;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * B2, dropped calls: the same calls, at the same moments, to three fleets of our Java worker in one
 * sandbox (the real API server, kube-controller-manager, livekit-server, worker processes), each
 * taken through a scale-down and then a rolling update: an AgentDeployment with its default drain
 * (1 h), and the baseline LiveKit documents, a plain Deployment whose workers drain on SIGTERM,
 * with a 600 s termination grace and with the 30 s default. Time is compressed: call lengths and
 * every timeout are divided by the same factor. A call is <em>affected</em> when its worker was
 * told to stop (the pod's deletion) while it was in progress; <em>dropped</em> when the call ledger
 * saw its worker go before its end.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl sandbox -am verify -Pbenchmark -Dtest=DroppedCallsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}; {@code -Dbench.quick=true} runs 24 calls.
 */
@Tag("benchmark")
class DroppedCallsBenchmark {
  private static final int REPLICAS = 4;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** One fleet under test. */
  record Subject(String name, String label, boolean agentfleet, long stopSeconds) {}

  /** What one fleet went through. */
  record Outcome(
      Subject subject,
      int placed,
      int completed,
      int dropped,
      int otherwise,
      int affected,
      Duration lingered) {}

  @Test
  void callsThroughAScaleDownAndARollingUpdate() throws Exception {
    boolean quick = Boolean.getBoolean("bench.quick");
    int calls = quick ? 24 : 210;
    double scale = quick ? 20 : 8;
    // Log-normal lengths: median 120 s, sigma 0.9 (mean about 180 s), cut at 20 minutes.
    double median = 120 / scale;
    double cap = 1200 / scale;
    // About 20 calls in progress per fleet, half its slots before the scale-down.
    double rate = 20 / (median * Math.exp(0.9 * 0.9 / 2));
    List<Subject> subjects =
        List.of(
            new Subject("agentfleet", "Agentfleet (drain 1 h)", true, Math.round(3600 / scale)),
            new Subject("deploy-600", "Deployment, grace 600 s", false, Math.round(600 / scale)),
            new Subject(
                "deploy-30", "Deployment, grace 30 s", false, Math.max(1, Math.round(30 / scale))));

    Sandbox sandbox = TestSandboxes.start("b2-dropped");
    ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
    try {
      for (Subject s : subjects) {
        create(sandbox, s);
      }
      await()
          .atMost(Duration.ofMinutes(4))
          .ignoreExceptions()
          .until(
              () ->
                  subjects.stream()
                      .allMatch(s -> sandbox.registeredWorkers(s.name()).size() == REPLICAS));

      // Calls in progress on each pod at the moment it is asked to stop.
      Map<String, Integer> affected = new ConcurrentHashMap<>();
      Map<String, Set<String>> seenDeleting = new ConcurrentHashMap<>();
      Map<String, Map<String, Integer>> lastJobs = new ConcurrentHashMap<>();
      Map<String, Set<String>> oldPods = new ConcurrentHashMap<>();
      Map<String, Instant> lastOldGone = new ConcurrentHashMap<>();
      watch.scheduleWithFixedDelay(
          () -> {
            observe(sandbox, subjects, affected, seenDeleting, lastJobs);
            for (Subject s : subjects) {
              Set<String> old = oldPods.get(s.name());
              if (old != null && !lastOldGone.containsKey(s.name())) {
                Set<String> left = new HashSet<>(old);
                left.retainAll(names(pods(sandbox, s)));
                if (left.isEmpty()) {
                  lastOldGone.put(s.name(), Instant.now());
                }
              }
            }
          },
          0,
          250,
          TimeUnit.MILLISECONDS);

      Random random = new Random(2);
      Map<String, List<CallRecord>> placed = new ConcurrentHashMap<>();
      Instant changedAt = null;
      Instant next = Instant.now();
      for (int i = 0; i < calls; i++) {
        long lengthMs =
            Math.round(1000 * Math.min(cap, median * Math.exp(0.9 * random.nextGaussian())));
        Duration length = Duration.ofMillis(Math.max(1000, lengthMs));
        long gapMs = Math.round(1000 * -Math.log(1 - random.nextDouble()) / rate);
        next = next.plusMillis(gapMs);
        long wait = Duration.between(Instant.now(), next).toMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        for (Subject s : subjects) {
          placed
              .computeIfAbsent(s.name(), k -> new ArrayList<>())
              .add(sandbox.callers().place(s.name(), length));
        }
        if (i == calls * 3 / 10) {
          for (Subject s : subjects) {
            scale(sandbox, s, REPLICAS - 1);
          }
        }
        if (i == calls * 6 / 10) {
          changedAt = Instant.now();
          for (Subject s : subjects) {
            oldPods.put(s.name(), names(pods(sandbox, s)));
            changeTemplate(sandbox, s);
          }
        }
      }
      Instant templateChanged = changedAt;
      await()
          .atMost(Duration.ofSeconds((long) cap).plus(Duration.ofMinutes(3)))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                boolean done = true;
                for (Subject s : subjects) {
                  done &= lastOldGone.containsKey(s.name());
                  // A call that never found a worker stays waiting until the ledger closes;
                  // Agentfleet's operator may still place it, so give that a minute.
                  done &=
                      ledger(sandbox, placed.get(s.name())).stream()
                          .allMatch(
                              c ->
                                  c.outcome().ended()
                                      || (c.outcome() == CallOutcome.WAITING
                                          && c.dispatchedAt()
                                              .plus(Duration.ofMinutes(1))
                                              .isBefore(Instant.now())));
                }
                return done;
              });
      watch.shutdownNow();
      sandbox.ledger().close();

      List<Outcome> outcomes = new ArrayList<>();
      for (Subject s : subjects) {
        List<CallRecord> records = ledger(sandbox, placed.get(s.name()));
        int completed =
            (int)
                records.stream()
                    .filter(
                        c ->
                            c.outcome() == CallOutcome.COMPLETED
                                || c.outcome() == CallOutcome.COMPLETED_LATE)
                    .count();
        int dropped =
            (int) records.stream().filter(c -> c.outcome() == CallOutcome.DROPPED).count();
        outcomes.add(
            new Outcome(
                s,
                records.size(),
                completed,
                dropped,
                records.size() - completed - dropped,
                affected.getOrDefault(s.name(), 0),
                Duration.between(templateChanged, lastOldGone.get(s.name()))));
      }
      outcomes.forEach(o -> System.out.println("B2 " + o));
      subjects.forEach(
          s ->
              System.out.println(
                  "B2 "
                      + s.name()
                      + " "
                      + ledger(sandbox, placed.get(s.name())).stream()
                          .collect(
                              java.util.stream.Collectors.groupingBy(
                                  CallRecord::outcome, java.util.stream.Collectors.counting()))));
      Outcome ours = outcomes.get(0);
      assertThat(ours.placed()).isEqualTo(calls);
      assertThat(ours.affected())
          .as("the scale-down and the update stopped busy workers")
          .isPositive();
      assertThat(ours.dropped()).as("Agentfleet dropped no call").isZero();
      write(outcomes, calls, scale, median, cap, quick);
    } finally {
      watch.shutdownNow();
      TestSandboxes.closeAndCheckForLeaks(sandbox);
    }
  }

  private static void create(Sandbox sandbox, Subject s) {
    if (s.agentfleet()) {
      AgentDeployment d = SampleAgent.deployment(s.name(), sandbox.livekitUrl(), REPLICAS);
      d.getSpec().getDrain().setTimeoutSeconds((int) s.stopSeconds());
      sandbox.client().resources(AgentDeployment.class).inNamespace("default").resource(d).create();
      return;
    }
    // What a user of the LiveKit docs writes: the worker, its credentials, a readiness probe, and
    // a grace period the worker's own drain timeout matches.
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(s.name())
            .endMetadata()
            .withNewSpec()
            .withReplicas(REPLICAS)
            .withNewSelector()
            .addToMatchLabels("app", s.name())
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", s.name())
            .endMetadata()
            .withNewSpec()
            .withTerminationGracePeriodSeconds(s.stopSeconds())
            .addNewContainer()
            .withName("worker")
            .withImage(WorkerImage.IMAGE + ":dev")
            .withArgs("start")
            .withEnv(workerEnv(sandbox, s))
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/ready")
            .withNewPort(8081)
            .endHttpGet()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    sandbox.client().apps().deployments().inNamespace("default").resource(deployment).create();
  }

  private static List<EnvVar> workerEnv(Sandbox sandbox, Subject s) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("LIVEKIT_URL").withValue(sandbox.livekitUrl()).build());
    for (String[] key :
        List.of(
            new String[] {"LIVEKIT_API_KEY", "api-key"},
            new String[] {"LIVEKIT_API_SECRET", "api-secret"})) {
      env.add(
          new EnvVarBuilder()
              .withName(key[0])
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(SandboxConfig.CREDENTIALS_SECRET)
              .withKey(key[1])
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    env.add(new EnvVarBuilder().withName("LIVEKIT_AGENT_NAME").withValue(s.name()).build());
    env.add(new EnvVarBuilder().withName("AGENTFLEET_AGENT").withValue("hold").build());
    env.add(new EnvVarBuilder().withName("AGENTFLEET_MAX_JOBS").withValue("10").build());
    env.add(new EnvVarBuilder().withName("AGENTFLEET_LOAD_FUNCTION").withValue("jobs").build());
    env.add(
        new EnvVarBuilder()
            .withName("AGENTFLEET_DRAIN_TIMEOUT_SECONDS")
            .withValue(Long.toString(s.stopSeconds()))
            .build());
    return env;
  }

  private static void scale(Sandbox sandbox, Subject s, int replicas) {
    if (s.agentfleet()) {
      sandbox
          .client()
          .resources(AgentDeployment.class)
          .inNamespace("default")
          .withName(s.name())
          .scale(replicas);
    } else {
      sandbox
          .client()
          .apps()
          .deployments()
          .inNamespace("default")
          .withName(s.name())
          .scale(replicas);
    }
  }

  private static void changeTemplate(Sandbox sandbox, Subject s) {
    if (s.agentfleet()) {
      Fleet.edit(
          sandbox
              .client()
              .resources(AgentDeployment.class)
              .inNamespace("default")
              .withName(s.name()),
          d -> {
            Fleet.addEnv(d.getSpec().getTemplate(), "RELEASE", "2");
            return d;
          });
    } else {
      Fleet.edit(
          sandbox.client().apps().deployments().inNamespace("default").withName(s.name()),
          d -> {
            Fleet.addEnv(d.getSpec().getTemplate(), "RELEASE", "2");
            return d;
          });
    }
  }

  private static List<Pod> pods(Sandbox sandbox, Subject s) {
    return sandbox
        .client()
        .pods()
        .inNamespace("default")
        .withLabel(s.agentfleet() ? AgentDeploymentLabels.DEPLOYMENT : "app", s.name())
        .list()
        .getItems();
  }

  private static Set<String> names(List<Pod> pods) {
    Set<String> names = new HashSet<>();
    pods.forEach(p -> names.add(p.getMetadata().getName()));
    return names;
  }

  private static List<CallRecord> ledger(Sandbox sandbox, List<CallRecord> placed) {
    Set<String> ids = new HashSet<>();
    placed.forEach(c -> ids.add(c.dispatchId()));
    return sandbox.ledger().records().stream().filter(c -> ids.contains(c.dispatchId())).toList();
  }

  /**
   * Every pod's calls, from its own {@code /worker}; when a pod is first seen being deleted, the
   * calls it had then are the calls its stop affected.
   */
  private static void observe(
      Sandbox sandbox,
      List<Subject> subjects,
      Map<String, Integer> affected,
      Map<String, Set<String>> seenDeleting,
      Map<String, Map<String, Integer>> lastJobs) {
    try {
      for (Subject s : subjects) {
        Set<String> deleting = seenDeleting.computeIfAbsent(s.name(), k -> new HashSet<>());
        Map<String, Integer> jobs = lastJobs.computeIfAbsent(s.name(), k -> new HashMap<>());
        for (Pod p : pods(sandbox, s)) {
          String name = p.getMetadata().getName();
          if (deleting.contains(name)) {
            continue;
          }
          Integer now = activeJobs(p);
          if (p.getMetadata().getDeletionTimestamp() != null) {
            deleting.add(name);
            // The last reading before the deletion if this one came too late to see them.
            int had = Math.max(now == null ? 0 : now, jobs.getOrDefault(name, 0));
            affected.merge(s.name(), had, Integer::sum);
          } else if (now != null) {
            jobs.put(name, now);
          }
        }
      }
    } catch (RuntimeException e) {
      // the next round looks again
    }
  }

  private static Integer activeJobs(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String address =
        annotations == null ? null : annotations.get(AgentDeploymentAnnotations.STATUS_ADDRESS);
    if (address == null) {
      return null;
    }
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + address + "/worker"))
                  .timeout(Duration.ofMillis(500))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          ? WorkerReportParser.parse(r.body(), WorkerStatusFormat.AUTO).activeJobs()
          : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static void write(
      List<Outcome> outcomes, int calls, double scale, double median, double cap, boolean quick)
      throws java.io.IOException {
    StringBuilder table =
        new StringBuilder(
            "| fleet | calls | completed | affected (in progress on a stopped worker) | dropped |"
                + " dropped of affected | otherwise (never placed, ended early) | old revision"
                + " lingered after the update |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Outcome o : outcomes) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d | %s | %d | %d s (%.0f s unscaled) |%n",
              o.subject().label(),
              o.placed(),
              o.completed(),
              o.affected(),
              o.dropped(),
              o.affected() == 0
                  ? "—"
                  : String.format(Locale.ROOT, "%.0f %%", 100.0 * o.dropped() / o.affected()),
              o.otherwise(),
              o.lingered().toSeconds(),
              o.lingered().toMillis() / 1000.0 * scale));
    }
    String command =
        "./mvnw -B -ntp -pl sandbox -am verify -Pbenchmark -Dtest=DroppedCallsBenchmark"
            + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs"
            + (quick ? " -Dbench.quick=true" : "");
    String section =
        "## B2: dropped calls through a scale-down and a rolling update\n\n"
            + String.format(
                Locale.ROOT,
                "One sandbox (real kube-apiserver and kube-controller-manager with its Deployment"
                    + " and ReplicaSet controllers, real livekit-server, our Java worker as real"
                    + " processes, the sandbox's kubelet standing in for a node) holds three"
                    + " fleets of %d workers (10 calls each) side by side; every call is placed"
                    + " on all three at the same moment. %d calls, Poisson arrivals, lengths"
                    + " log-normal (median 120 s, σ 0.9: mean about 180 s, cut at 20 min), all"
                    + " times divided by %.0f (so a 20-minute call lasts %.0f s here, median"
                    + " %.0f s). After 30 %% of the calls each fleet is scaled from %d to %d"
                    + " workers; after 60 %% its pod template changes (a rolling update)."
                    + " Agentfleet runs with its default drain (1 h, here %d s); the baselines are"
                    + " what LiveKit documents for Kubernetes, a plain Deployment whose workers"
                    + " drain on SIGTERM, with a 600 s termination grace (here %d s) and with the"
                    + " 30 s default (here %d s), and the default rolling update (25 %% surge, 25 %%"
                    + " unavailable). *Affected*: calls in progress on a worker when its pod was"
                    + " deleted (read from the worker's `/worker` as the deletion appeared);"
                    + " *dropped*: calls whose worker went before their end (the call ledger);"
                    + " *otherwise*: mostly calls that found no free worker when dispatched (the"
                    + " fleets are sized for the mean, not the peaks; Agentfleet's operator"
                    + " dispatches such calls again when a worker frees up, livekit-server alone"
                    + " does not); *lingered*: from the template change until the last pod of the"
                    + " old revision was gone.%n%n",
                REPLICAS,
                calls,
                scale,
                cap,
                median,
                REPLICAS,
                REPLICAS - 1,
                outcomes.get(0).subject().stopSeconds(),
                outcomes.get(1).subject().stopSeconds(),
                outcomes.get(2).subject().stopSeconds())
            + "- Command: `"
            + command
            + "`\n"
            + "- Measured: "
            + BenchmarkReport.machine()
            + "\n\n"
            + table;
    Path docs = quick ? Path.of("target", "bench") : Path.of("..", "docs");
    BenchmarkReport.write(docs.resolve("benchmarks.md"), "b2-dropped", section);
  }
}
