package io.agentfleet.cli.rollout;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.RolloutPhase;
import io.agentfleet.cli.Cli;
import io.agentfleet.cli.Fixtures;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History and undo over three revisions: 1 (agent:1), 2 (agent:2, rolled back automatically), 3
 * (agent:3, with an extra label; the current spec).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class HistoryAndUndoMockTest {

  static final PodTemplateSpec V1 = Fixtures.template("agent:1");
  static final PodTemplateSpec V2 = Fixtures.template("agent:2");
  static final PodTemplateSpec V3 = Fixtures.template("agent:3", "tier", "canary");

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(Cli.kubeconfig(server, dir), Clock.systemUTC());
    client.resources(AgentDeployment.class).inAnyNamespace().delete();
    client.apps().controllerRevisions().inAnyNamespace().delete();
    AgentDeployment d = Fixtures.deployment(V3);
    d = client.resources(AgentDeployment.class).inNamespace("default").resource(d).create();
    d.setStatus(Fixtures.status(1, RolloutPhase.Completed.name()));
    d.getStatus().setUpdateRevision(NAME + "-ccc");
    client.resources(AgentDeployment.class).inNamespace("default").resource(d).updateStatus();
    store(Fixtures.revision(1, "aaa", V1, "first release", null));
    store(Fixtures.revision(2, "bbb", V2, null, "ProgressDeadlineExceeded: no worker registered"));
    store(Fixtures.revision(3, "ccc", V3, "canary label", null));
  }

  void store(ControllerRevision revision) {
    client.apps().controllerRevisions().inNamespace("default").resource(revision).create();
  }

  PodTemplateSpec specTemplate() {
    return client
        .resources(AgentDeployment.class)
        .inNamespace("default")
        .withName(NAME)
        .get()
        .getSpec()
        .getTemplate();
  }

  @Test
  void historyListsRevisionsWithChangeCauseAndRollbacks() {
    var result = cli.run("rollout", "history", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .matches(
            """
            agentdeployment.agentfleet.io/voice-agent
            REVISION   CHANGE-CAUSE    ROLLED-BACK                                      AGE
            1          first release   -                                                \\d+s
            2          <none>          ProgressDeadlineExceeded: no worker registered   \\d+s
            3          canary label    -                                                \\d+s
            """);
  }

  @Test
  void historyOfOneRevisionShowsItsTemplateAndTheDiffFromTheOneBefore() {
    var result = cli.run("rollout", "history", NAME, "--revision", "3");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(
            """
            agentdeployment.agentfleet.io/voice-agent with revision #3
            Change cause: canary label
            Pod template:
              metadata:
                labels:
            """)
        .contains("      image: agent:3\n")
        .contains(
            """
            Changes from revision #2:
            --- revision 2
            +++ revision 3
            """)
        .contains("-    image: agent:2\n+    image: agent:3\n")
        .contains("+    tier: canary\n");
  }

  @Test
  void historyOfTheFirstRevisionHasNothingToCompareWith() {
    var result = cli.run("rollout", "history", NAME, "--revision", "1");

    assertThat(result.out()).endsWith("No earlier revision to compare with.\n");
  }

  @Test
  void historyOfAMissingRevisionIsAnError() {
    var result = cli.run("rollout", "history", NAME, "--revision", "7");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: unable to find revision 7 of agentdeployment \"voice-agent\" in its history"
                + " (revisions: 1, 2, 3)\n");
  }

  @Test
  void historyAsYamlAndJson() {
    var yaml = cli.run("rollout", "history", NAME, "-o", "yaml");
    assertThat(yaml.exitCode()).isZero();
    assertThat(yaml.out())
        .contains(
            "- number: 1\n  name: voice-agent-aaa\n  hash: aaa\n  changeCause: first release\n");

    var json = cli.run("rollout", "history", NAME, "--revision", "2", "-o", "json");
    assertThat(json.exitCode()).isZero();
    assertThat(json.out()).contains("\"image\" : \"agent:2\"");

    assertThat(cli.run("rollout", "history", NAME, "-o", "wide").exitCode()).isEqualTo(2);
  }

  @Test
  void undoGoesBackToTheNewestEarlierRevisionThatWasNotRolledBack() {
    var result = cli.run("rollout", "undo", NAME);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo("agentdeployment.agentfleet.io/voice-agent rolled back to revision 1\n");
    // Replaced whole: the label only revision 3 had is gone.
    assertThat(specTemplate()).isEqualTo(V1);
  }

  @Test
  void undoToARevisionCopiesItsTemplateAndWarnsAboutAPastRollback() {
    var result = cli.run("rollout", "undo", NAME, "--to-revision", "2");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).endsWith("rolled back to revision 2\n");
    assertThat(result.err())
        .isEqualTo(
            "warning: revision 2 was rolled back automatically before:"
                + " ProgressDeadlineExceeded: no worker registered\n");
    assertThat(specTemplate()).isEqualTo(V2);
  }

  @Test
  void undoToAMissingRevisionChangesNothing() {
    var result = cli.run("rollout", "undo", NAME, "--to-revision", "9");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("unable to find revision 9").contains("(revisions: 1, 2, 3)");
    assertThat(specTemplate()).isEqualTo(V3);
  }

  @Test
  void undoToTheCurrentTemplateIsSkipped() {
    var result = cli.run("rollout", "undo", NAME, "--to-revision", "3");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "agentdeployment.agentfleet.io/voice-agent skipped rollback (current template already"
                + " matches revision 3)\n");
  }

  @Test
  void undoWithoutHistoryIsAnError() {
    client.apps().controllerRevisions().inAnyNamespace().delete();

    var result = cli.run("rollout", "undo", NAME);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("no rollout history found");
  }
}
