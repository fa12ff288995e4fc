package io.agentfleet.cli.rollout;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.ConditionReason;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.cli.Cli;
import io.agentfleet.cli.Fixtures;
import io.agentfleet.cli.Polls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true, https = false)
class RolloutStatusCommandMockTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(Cli.kubeconfig(server, dir), Clock.systemUTC());
    client.resources(AgentDeployment.class).inAnyNamespace().delete();
  }

  /** Creates the deployment, then gives it the status the operator would write. */
  AgentDeployment create(Consumer<AgentDeploymentStatus> status) {
    AgentDeployment d =
        client
            .resources(AgentDeployment.class)
            .inNamespace("default")
            .resource(Fixtures.deployment(Fixtures.template("agent:2")))
            .create();
    return setStatus(d, status);
  }

  AgentDeployment setStatus(AgentDeployment d, Consumer<AgentDeploymentStatus> change) {
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    AgentDeploymentStatus status = Fixtures.status(generation, RolloutPhase.Progressing.name());
    change.accept(status);
    d.setStatus(status);
    return client
        .resources(AgentDeployment.class)
        .inNamespace("default")
        .resource(d)
        .updateStatus();
  }

  @Test
  void completedRolloutExitsZero() {
    create(s -> s.getRollout().setPhase(RolloutPhase.Completed.name()));

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("agentdeployment \"voice-agent\" successfully rolled out\n");
  }

  @Test
  void failedRolloutExitsOneWithTheMessageOnStderr() {
    create(
        s -> {
          s.getRollout().setPhase(RolloutPhase.Failed.name());
          s.getRollout().setMessage("workers of revision 3 crash-loop");
        });

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: rollout of agentdeployment \"voice-agent\" failed: workers of revision 3"
                + " crash-loop\n");
  }

  @Test
  void rolledBackRolloutExitsOne() {
    create(
        s -> {
          s.getRollout().setPhase(RolloutPhase.RolledBack.name());
          s.getRollout().setMessage("job failure ratio 0.5 > 0.2");
        });

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("was rolled back: job failure ratio 0.5 > 0.2");
  }

  @Test
  void missedDeadlineExitsOne() {
    create(s -> Fixtures.progressing(s, "False", ConditionReason.PROGRESS_DEADLINE_EXCEEDED));

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: agentdeployment \"voice-agent\" exceeded its progress deadline");
  }

  @Test
  void unfinishedRolloutWithoutWatchPrintsProgressAndExitsThree() {
    create(
        s -> {
          s.setUpdatedReplicas(1);
          s.setReadyReplicas(1);
        });

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.out())
        .isEqualTo(
            "Waiting for rollout of agentdeployment \"voice-agent\" to finish: 1 of 2 workers"
                + " updated, 1 ready...\n");
  }

  @Test
  void watchPrintsEachChangeUntilTheRolloutCompletes() throws Exception {
    AgentDeployment d =
        create(
            s -> {
              s.setUpdatedReplicas(0);
              s.setReadyReplicas(2);
            });

    Polls.reset(server);
    CompletableFuture<Cli.Result> watching =
        CompletableFuture.supplyAsync(() -> cli.run("rollout", "status", NAME, "-w"));
    Polls.next(server, NAME);
    d =
        setStatus(
            client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get(),
            s -> {
              s.setUpdatedReplicas(1);
              s.getRollout().setDrainingOldWorkers(1);
              s.getRollout().setDrainingOldCalls(4);
            });
    // Every GET from here on was received after the update.
    Polls.reset(server);
    Polls.next(server, NAME);
    setStatus(d, s -> s.getRollout().setPhase(RolloutPhase.Completed.name()));

    Cli.Result result = watching.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("to finish: 0 of 2 workers updated, 2 ready...\n")
        .contains("1 of 2 workers updated, 2 ready, 1 old worker draining with 4 calls...\n")
        .endsWith("agentdeployment \"voice-agent\" successfully rolled out\n");
  }

  @Test
  void watchEndsWithExitOneWhenTheRolloutIsRolledBack() throws Exception {
    AgentDeployment d = create(s -> s.setUpdatedReplicas(1));

    Polls.reset(server);
    CompletableFuture<Cli.Result> watching =
        CompletableFuture.supplyAsync(() -> cli.run("rollout", "status", NAME, "--watch"));
    Polls.next(server, NAME);
    setStatus(d, s -> s.getRollout().setPhase(RolloutPhase.RolledBack.name()));

    Cli.Result result = watching.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("was rolled back");
  }

  @Test
  void watchGivesUpAtTheTimeoutWithExitThree() {
    create(s -> s.setUpdatedReplicas(1));

    var result = cli.run("rollout", "status", NAME, "-w", "--timeout", "1s");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("timed out after 1s");
  }

  @Test
  void statusOfAnOlderGenerationIsNotCompletion() {
    AgentDeployment d = create(s -> s.getRollout().setPhase(RolloutPhase.Completed.name()));
    // The operator has not seen the latest spec yet.
    setStatus(
        d,
        s -> {
          s.setObservedGeneration(0L);
          s.getRollout().setPhase(RolloutPhase.Completed.name());
        });

    var result = cli.run("rollout", "status", NAME);

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.out()).contains("spec update to be observed");
  }

  @Test
  void unknownDeploymentIsAnError() {
    var result = cli.run("rollout", "status", "nope");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: agentdeployments.agentfleet.io \"nope\" not found in namespace default\n");
  }

  @Test
  void namespaceFlagAndContextChooseTheNamespace() {
    client
        .resources(AgentDeployment.class)
        .inNamespace("team-a")
        .resource(Fixtures.deployment(Fixtures.template("agent:2")))
        .create();

    assertThat(cli.run("rollout", "status", NAME, "-n", "team-a").exitCode()).isEqualTo(3);
    assertThat(cli.run("rollout", "status", NAME, "--context", "team-a").exitCode()).isEqualTo(3);
    assertThat(cli.run("rollout", "status", NAME).exitCode()).isEqualTo(1);
    var unknown = cli.run("rollout", "status", NAME, "--context", "nowhere");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("context \"nowhere\" does not exist");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(cli.run("rollout", "status").exitCode()).isEqualTo(2);
    assertThat(cli.run("rollout", "status", NAME, "--timeout", "soon").exitCode()).isEqualTo(2);
    assertThat(cli.run("rollout", "bogus").exitCode()).isEqualTo(2);
  }
}
