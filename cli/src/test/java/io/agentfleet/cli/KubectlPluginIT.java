package io.agentfleet.cli;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl finds bin/kubectl-agents on PATH and runs it with the runnable jar (hence an
 * integration test: it runs after package). {@code KUBECTL} names another kubectl binary.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubectlPluginIT {

  static KubernetesMockServer server;
  static KubernetesClient client;

  static String kubectl;
  static Path bin;

  @TempDir Path home;
  Path kubeconfig;

  record Result(int exitCode, String out, String err) {}

  @BeforeAll
  static void findKubectl() {
    String configured = System.getenv("KUBECTL");
    kubectl = configured == null || configured.isBlank() ? onPath("kubectl") : configured;
    if (kubectl == null) {
      System.err.println("KubectlPluginIT skipped: no kubectl on PATH (set KUBECTL to one)");
    }
    Assumptions.assumeTrue(kubectl != null, "no kubectl on PATH");
    bin = Path.of(System.getProperty("agentfleet.cli.bin", "bin")).toAbsolutePath();
  }

  @BeforeEach
  void setUp() throws IOException {
    kubeconfig = Cli.kubeconfig(server, home);
    client.resources(AgentDeployment.class).inAnyNamespace().delete();
  }

  @Test
  void pluginListFindsTheLauncher() throws Exception {
    Result result = kubectl("plugin", "list");

    assertThat(result.out()).contains(bin.resolve("kubectl-agents").toString());
    assertThat(result.err()).doesNotContain("kubectl-agents is not executable");
  }

  @Test
  void helpThroughKubectl() throws Exception {
    Result result = kubectl("agents", "--help");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith("Usage: kubectl agents [-hV] [COMMAND]")
        .contains("rollout", "status", "Exit codes:");

    Result rollout = kubectl("agents", "rollout", "--help");
    assertThat(rollout.out()).contains("history", "undo", "pause", "resume", "promote", "restart");
  }

  @Test
  void commandsReachTheApiServerNamedByKubeconfig() throws Exception {
    AgentDeployment d =
        client
            .resources(AgentDeployment.class)
            .inNamespace("default")
            .resource(Fixtures.deployment(Fixtures.template("agent:2")))
            .create();
    d.setStatus(Fixtures.status(1, RolloutPhase.Completed.name()));
    client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();

    Result done = kubectl("agents", "rollout", "status", NAME);
    assertThat(done.exitCode()).as(done.err()).isZero();
    assertThat(done.out()).isEqualTo("agentdeployment \"voice-agent\" successfully rolled out\n");

    Result missing = kubectl("agents", "rollout", "status", "nope", "-n", "team-a");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo(
            "error: agentdeployments.agentfleet.io \"nope\" not found in namespace team-a\n");

    Result usage = kubectl("agents", "rollout", "status");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter: 'NAME'");
  }

  /**
   * One session of a canary rollout, each command through kubectl; the outputs are written to
   * target/readme-samples.txt, where cli/README.md's samples come from.
   */
  @Test
  void aCanaryRolloutSessionForTheReadme() throws Exception {
    server.reset();
    Story story = new Story();
    story.fleet(client, server);

    story.run(0, "agents", "status", NAME);
    story.run(3, "agents", "rollout", "status", NAME);
    story.run(0, "agents", "rollout", "history", NAME);
    story.run(0, "agents", "rollout", "history", NAME, "--revision", "3");
    story.run(0, "agents", "rollout", "promote", NAME);
    story.run(0, "agents", "rollout", "pause", NAME);
    story.run(1, "agents", "rollout", "restart", NAME);
    story.run(0, "agents", "rollout", "resume", NAME);
    story.run(0, "agents", "rollout", "restart", NAME);
    story.run(0, "agents", "rollout", "undo", NAME);
    story.run(1, "agents", "rollout", "undo", NAME, "--to-revision", "7");
    story.run(0, "agents", "rollout", "undo", NAME, "--to-revision", "2");
    story.watched(client);
    story.failed(client);
    story.run(1, "agents", "rollout", "status", NAME);
    story.run(0, "agents", "status", NAME, "-o", "yaml");

    Path samples = Path.of("target", "readme-samples.txt");
    Files.writeString(samples, story.transcript);
    assertThat(story.transcript).contains("$ kubectl agents rollout undo voice-agent\n");
  }

  final class Story {
    final StringBuilder transcript = new StringBuilder();

    void run(int exitCode, String... args) throws Exception {
      Result result = kubectl(args);
      transcript.append("$ kubectl ").append(String.join(" ", args)).append('\n');
      transcript.append(result.out()).append(result.err());
      transcript.append("# exit code ").append(result.exitCode()).append("\n\n");
      assertThat(result.exitCode())
          .as(String.join(" ", args) + "\n" + result.err())
          .isEqualTo(exitCode);
    }

    void fleet(KubernetesClient client, KubernetesMockServer server) {
      var v1 = Fixtures.template("agentfleet/voice-agent:1.0");
      var v2 = Fixtures.template("agentfleet/voice-agent:1.1");
      var v3 = Fixtures.template("agentfleet/voice-agent:1.2");
      AgentDeployment d = Fixtures.deployment(v3);
      d.getSpec().setReplicas(4);
      var strategy = new io.agentfleet.api.v1alpha1.Strategy();
      strategy.setType(io.agentfleet.api.v1alpha1.StrategyType.CANARY);
      strategy.setCanary(new io.agentfleet.api.v1alpha1.Canary());
      strategy
          .getCanary()
          .setSteps(
              List.of(
                  io.agentfleet.api.v1alpha1.CanaryStep.weight(25),
                  io.agentfleet.api.v1alpha1.CanaryStep.pause(null),
                  io.agentfleet.api.v1alpha1.CanaryStep.weight(50),
                  io.agentfleet.api.v1alpha1.CanaryStep.pause(300)));
      d.getSpec().setStrategy(strategy);
      d = client.resources(AgentDeployment.class).inNamespace("default").resource(d).create();
      var status = Fixtures.status(1, RolloutPhase.Paused.name());
      status.setDesiredReplicas(4);
      status.setReplicas(4);
      status.setReadyReplicas(4);
      status.setUpdatedReplicas(1);
      status.setActiveJobs(9);
      status.setLoad(0.38);
      status.setCurrentRevision(NAME + "-7c4f9b");
      status.setUpdateRevision(NAME + "-5d8e21");
      status.getRollout().setStep(1);
      status.getRollout().setWeight(25);
      status.getRollout().setMessage("canary at 25%: paused until promoted");
      d.setStatus(status);
      client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
      for (var r :
          List.of(
              Fixtures.revision(1, "7c4f9b", v1, "initial release", null),
              Fixtures.revision(
                  2,
                  "a91c03",
                  v2,
                  "voice-agent 1.1",
                  "ProgressDeadlineExceeded: 0 of 1 new workers available after 600s"),
              Fixtures.revision(3, "5d8e21", v3, "voice-agent 1.2: shorter greeting", null))) {
        client.apps().controllerRevisions().inNamespace("default").resource(r).create();
      }
      String[][] pods = {
        {"voice-agent-7c4f9b-2xk8q", "7c4f9b", "{\"active_jobs\":3,\"worker_load\":0.5}"},
        {"voice-agent-7c4f9b-9wz4d", "7c4f9b", "{\"active_jobs\":2,\"worker_load\":0.33}"},
        {"voice-agent-7c4f9b-hq7m2", "7c4f9b", "{\"active_jobs\":3,\"worker_load\":0.5}"},
        {"voice-agent-5d8e21-r6tpl", "5d8e21", "{\"active_jobs\":1,\"worker_load\":0.17}"},
        {"voice-agent-5d8e21-b2n5s", "5d8e21", null}
      };
      int ip = 10;
      for (String[] pod : pods) {
        boolean ready = pod[2] != null;
        client
            .pods()
            .inNamespace("default")
            .resource(Fixtures.pod(pod[0], pod[1], ready, ready ? "10.0.0." + ip++ : null))
            .create();
        if (ready) {
          server
              .expect()
              .get()
              .withPath("/api/v1/namespaces/default/pods/" + pod[0] + ":8081/proxy/worker")
              .andReturn(200, pod[2])
              .always();
        }
      }
    }

    /** rollout status -w while the operator moves the rollout on, step by step. */
    void watched(KubernetesClient client) throws Exception {
      String[] args = {"agents", "rollout", "status", NAME, "-w", "--timeout", "5m"};
      Path out = home.resolve("watch-out");
      Polls.reset(server);
      Process process = start(out, home.resolve("watch-err"), args);
      Polls.next(server, NAME);
      step(client, s -> setRollout(s, RolloutPhase.Progressing.name(), 2, 50, 1, 1, 2));
      step(client, s -> setRollout(s, RolloutPhase.Progressing.name(), 2, 50, 2, 1, 2));
      step(client, s -> setRollout(s, RolloutPhase.Progressing.name(), 3, 50, 2, 1, 0));
      step(client, s -> setRollout(s, RolloutPhase.Completed.name(), null, null, 4, 0, 0));
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      transcript.append("$ kubectl ").append(String.join(" ", args)).append('\n');
      transcript.append(Files.readString(out)).append(Files.readString(home.resolve("watch-err")));
      transcript.append("# exit code ").append(process.exitValue()).append("\n\n");
      assertThat(process.exitValue()).isZero();
    }

    private void setRollout(
        io.agentfleet.api.v1alpha1.AgentDeploymentStatus s,
        String phase,
        Integer step,
        Integer weight,
        int updated,
        int drainingOld,
        int drainingCalls) {
      s.getRollout().setPhase(phase);
      s.getRollout().setStep(step);
      s.getRollout().setWeight(weight);
      s.getRollout().setMessage(null);
      s.getRollout().setDrainingOldWorkers(drainingOld);
      s.getRollout().setDrainingOldCalls(drainingCalls);
      s.setUpdatedReplicas(updated);
    }

    private void step(
        KubernetesClient client,
        java.util.function.Consumer<io.agentfleet.api.v1alpha1.AgentDeploymentStatus> change)
        throws InterruptedException {
      AgentDeployment d =
          client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get();
      d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
      change.accept(d.getStatus());
      client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
      // The command reads each state before the next is written: every GET from here on was
      // received after the update.
      Polls.reset(server);
      Polls.next(server, NAME);
    }

    /** The operator gave up on the rollout and rolled it back. */
    void failed(KubernetesClient client) {
      AgentDeployment d =
          client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get();
      var status = d.getStatus();
      status.setObservedGeneration(d.getMetadata().getGeneration());
      status.getRollout().setPhase(RolloutPhase.RolledBack.name());
      status.getRollout().setStep(null);
      status.getRollout().setWeight(null);
      status
          .getRollout()
          .setMessage("revision 4: 3 of 5 calls failed (ratio 0.60 > 0.20); back to revision 3");
      d.setStatus(status);
      client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
    }
  }

  /** kubectl with the launcher first on PATH and KUBECONFIG set, as a user's shell would have. */
  Result kubectl(String... args) throws IOException, InterruptedException {
    Path out = home.resolve("out");
    Path err = home.resolve("err");
    Process process = start(out, err, args);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl hung: " + List.of(args));
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Process start(Path out, Path err, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    return builder.start();
  }

  private static String onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
