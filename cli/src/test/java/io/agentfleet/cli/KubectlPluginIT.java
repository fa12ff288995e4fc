package io.agentfleet.cli;

import static io.agentfleet.cli.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
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
    d.setStatus(Fixtures.status(1, "Completed"));
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

  /** kubectl with the launcher first on PATH and KUBECONFIG set, as a user's shell would have. */
  Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = home.resolve("out");
    Path err = home.resolve("err");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl hung: " + command);
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
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
