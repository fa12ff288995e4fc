package io.agentfleet.cli.rollout;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.StrategyType;
import io.agentfleet.cli.Cli;
import io.agentfleet.cli.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pause, resume, promote and restart: each writes one field and leaves the rest alone. */
@EnableKubernetesMockClient(crud = true, https = false)
class RolloutWritesMockTest {

  static final Instant NOW = Instant.parse("2026-11-25T15:04:05.678Z");

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(Cli.kubeconfig(server, dir), Clock.fixed(NOW, ZoneOffset.UTC));
    client.resources(AgentDeployment.class).inAnyNamespace().delete();
  }

  AgentDeployment create(Consumer<AgentDeployment> change) {
    AgentDeployment d = Fixtures.deployment(Fixtures.template("agent:2"));
    d.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of("team", "voice")));
    change.accept(d);
    var status = d.getStatus();
    d = client.resources(AgentDeployment.class).inNamespace("default").resource(d).create();
    if (status != null) {
      d.setStatus(status);
      d = client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
    }
    return d;
  }

  AgentDeployment read() {
    return client.resources(AgentDeployment.class).inNamespace("default").withName(NAME).get();
  }

  static void canaryAt(AgentDeployment d, String phase) {
    Strategy strategy = new Strategy();
    strategy.setType(StrategyType.CANARY);
    strategy.setCanary(new io.agentfleet.api.v1alpha1.Canary());
    strategy.getCanary().setSteps(List.of(CanaryStep.weight(25), CanaryStep.pause(null)));
    d.getSpec().setStrategy(strategy);
    d.setStatus(Fixtures.status(1, phase));
    d.getStatus().getRollout().setStep(1);
    d.getStatus().getRollout().setWeight(25);
  }

  @Test
  void pauseThenResumeFlipSpecPaused() {
    create(d -> {});

    var paused = cli.run("rollout", "pause", NAME);
    assertThat(paused.exitCode()).as(paused.err()).isZero();
    assertThat(paused.out()).isEqualTo("agentdeployment.agentfleet.io/voice-agent paused\n");
    assertThat(read().getSpec().getPaused()).isTrue();

    var again = cli.run("rollout", "pause", NAME);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .isEqualTo("error: agentdeployments.agentfleet.io \"voice-agent\" is already paused\n");

    var resumed = cli.run("rollout", "resume", NAME);
    assertThat(resumed.exitCode()).isZero();
    assertThat(resumed.out()).isEqualTo("agentdeployment.agentfleet.io/voice-agent resumed\n");
    assertThat(read().getSpec().getPaused()).isFalse();
    assertThat(read().getSpec().getTemplate()).isEqualTo(Fixtures.template("agent:2"));

    assertThat(cli.run("rollout", "resume", NAME).exitCode()).isEqualTo(1);
  }

  @Test
  void promoteAtACanaryPauseSetsTheAnnotationToNow() {
    create(d -> canaryAt(d, RolloutPhase.Paused.name()));

    var result = cli.run("rollout", "promote", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("agentdeployment.agentfleet.io/voice-agent promoted\n");
    assertThat(read().getMetadata().getAnnotations())
        .containsEntry(AgentDeploymentAnnotations.PROMOTE, "2026-11-25T15:04:05.678Z")
        .containsEntry("team", "voice");
  }

  @Test
  void promoteAnywhereButACanaryPauseIsRefused() {
    create(d -> canaryAt(d, RolloutPhase.Progressing.name()));
    var progressing = cli.run("rollout", "promote", NAME);
    assertThat(progressing.exitCode()).isEqualTo(1);
    assertThat(progressing.err())
        .contains("is not at a canary pause (rollout phase Progressing): nothing to promote");

    client.resources(AgentDeployment.class).inAnyNamespace().delete();
    create(d -> d.setStatus(Fixtures.status(1, RolloutPhase.Paused.name())));
    var rolling = cli.run("rollout", "promote", NAME);
    assertThat(rolling.exitCode()).isEqualTo(1);
    assertThat(rolling.err()).contains("does not use the Canary strategy");

    client.resources(AgentDeployment.class).inAnyNamespace().delete();
    create(
        d -> {
          canaryAt(d, RolloutPhase.Paused.name());
          d.getSpec().setPaused(true);
        });
    var pausedBySpec = cli.run("rollout", "promote", NAME);
    assertThat(pausedBySpec.exitCode()).isEqualTo(1);
    assertThat(pausedBySpec.err()).contains("run kubectl agents rollout resume voice-agent");
    assertThat(read().getMetadata().getAnnotations())
        .doesNotContainKey(AgentDeploymentAnnotations.PROMOTE);
  }

  @Test
  void restartStampsTheTemplateAndKeepsTheRestOfIt() {
    create(d -> {});

    var result = cli.run("rollout", "restart", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("agentdeployment.agentfleet.io/voice-agent restarted\n");
    var template = read().getSpec().getTemplate();
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry(AgentDeploymentAnnotations.RESTARTED_AT, "2026-11-25T15:04:05Z");
    assertThat(template.getMetadata().getLabels()).containsEntry("app", NAME);
    assertThat(template.getSpec()).isEqualTo(Fixtures.template("agent:2").getSpec());
  }

  @Test
  void restartOfAPausedRolloutIsRefused() {
    create(d -> d.getSpec().setPaused(true));

    var result = cli.run("rollout", "restart", NAME);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("can't restart paused");
    assertThat(read().getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void writesToAMissingDeploymentAreErrors() {
    for (String verb : List.of("pause", "resume", "promote", "restart", "undo", "history")) {
      var result = cli.run("rollout", verb, "nope");
      assertThat(result.exitCode()).as(verb).isEqualTo(1);
      assertThat(result.err()).as(verb).contains("\"nope\" not found");
    }
  }
}
