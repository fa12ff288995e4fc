package io.agentfleet.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.WorkerImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRuleTest {
  static final ImageRule WORKER =
      new ImageRule(
          "agentfleet/worker",
          List.of("java", "-jar", "worker.jar"),
          List.of("start"),
          Map.of(
              "AGENTFLEET_HTTP_PORT", "{port}",
              "AGENTFLEET_DRAIN_TIMEOUT", "{env:AGENTFLEET_DRAIN_TIMEOUT_SECONDS}"));

  @ParameterizedTest
  @CsvSource({
    "agentfleet/worker, true",
    "agentfleet/worker:dev, true",
    "agentfleet/worker@sha256:abc, true",
    "agentfleet/worker-other:1, false",
    "ghcr.io/agentfleet/worker:1, false"
  })
  void matchesTheImageWithAnyTag(String image, boolean matches) {
    assertThat(WORKER.matches(image)).isEqualTo(matches);
  }

  @Test
  void aPrefixRuleMatchesEverythingBelowIt() {
    ImageRule rule =
        new ImageRule("ghcr.io/acme/*", List.of("node", "agent.mjs"), List.of(), Map.of());
    assertThat(rule.matches("ghcr.io/acme/voice:1")).isTrue();
    assertThat(rule.matches("ghcr.io/other/voice:1")).isFalse();
  }

  @Test
  void placeholdersAreFilledFromThePodAndItsEnv() {
    ImageRule.Launch launch =
        WORKER.launch(
            List.of(),
            Map.of("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", "120"),
            new ImageRule.Placeholders(41234, "w-1", "default"));
    assertThat(launch.command()).containsExactly("java", "-jar", "worker.jar", "start");
    assertThat(launch.env())
        .containsEntry("AGENTFLEET_HTTP_PORT", "41234")
        .containsEntry("AGENTFLEET_DRAIN_TIMEOUT", "120");
  }

  @Test
  void theContainersArgsReplaceTheDefaultsAndAnUnsetEnvIsLeftOut() {
    ImageRule.Launch launch =
        WORKER.launch(
            List.of("start", "--max-jobs", "{port}"),
            Map.of(),
            new ImageRule.Placeholders(5000, "w-1", "default"));
    assertThat(launch.command()).endsWith("start", "--max-jobs", "5000");
    assertThat(launch.env()).doesNotContainKey("AGENTFLEET_DRAIN_TIMEOUT");
  }

  @ParameterizedTest
  @CsvSource({
    "agentfleet/python-agent:dev, agentfleet/python-agent",
    "agentfleet/python-agent, agentfleet/python-agent",
    "agentfleet/node-agent:0.1.0, agentfleet/node-agent",
    "agentfleet/worker:dev, agentfleet/worker"
  })
  void theDefaultsRunOurWorkerAndBothExampleAgents(String image, String ruleImage)
      throws IOException {
    List<ImageRule> defaults = WorkerImage.defaults(Path.of("worker.jar"), WorkerImage.repoRoot());
    assertThat(defaults.stream().filter(r -> r.matches(image)).findFirst())
        .get()
        .extracting(ImageRule::image)
        .isEqualTo(ruleImage);
  }

  @Test
  void thePythonAgentRunsAgentPyFromItsVenvWithThePodsPort() {
    Path root = WorkerImage.repoRoot();
    ImageRule.Launch launch =
        WorkerImage.pythonAgentRule(root)
            .launch(List.of(), Map.of(), new ImageRule.Placeholders(41234, "p-1", "default"));
    Path venv = WorkerImage.pythonAgentVenv(root);
    assertThat(launch.command())
        .endsWith(
            venv.resolve("bin/python").toString(),
            root.resolve("examples/python-agent/agent.py").toString(),
            "start");
    assertThat(launch.env()).containsEntry("PORT", "41234");
    // Named by the sha256 of requirements.txt, as tools/python-agent-env.sh names it.
    assertThat(venv.getFileName().toString()).matches("python-agent-[0-9a-f]{16}");
  }

  @Test
  void theNodeAgentRunsAgentMjsWithNodeAndThePodsPort() {
    Path root = WorkerImage.repoRoot();
    ImageRule.Launch launch =
        WorkerImage.nodeAgentRule(root)
            .launch(
                List.of("start", "--log-level", "debug"),
                Map.of(),
                new ImageRule.Placeholders(5000, "n-1", "default"));
    assertThat(launch.command())
        .endsWith(
            "node",
            root.resolve("examples/node-agent/agent.mjs").toString(),
            "start",
            "--log-level",
            "debug");
    assertThat(launch.env()).containsEntry("PORT", "5000");
  }

  @Test
  void anAgentWhoseEnvironmentIsNotBuiltExitsSayingWhichScriptBuildsIt(@TempDir Path dir)
      throws Exception {
    Path missing = dir.resolve("venv/.complete");
    Result result = run(WorkerImage.pythonAgentRule(WorkerImage.repoRoot()), missing, dir);
    assertThat(result.exitCode()).isEqualTo(127);
    assertThat(result.output()).contains(missing.toString(), "tools/python-agent-env.sh");
  }

  @Test
  void anAgentWhoseEnvironmentIsBuiltRunsItsCommand(@TempDir Path dir) throws Exception {
    Path marker = Files.createFile(dir.resolve(".complete"));
    Result result = run(WorkerImage.pythonAgentRule(WorkerImage.repoRoot()), marker, dir);
    // The command after the check is replaced by echo here: it got the agent's arguments.
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).contains("examples/python-agent/agent.py start");
  }

  record Result(int exitCode, String output) {}

  /** Runs the rule's check with {@code marker} as what must exist and echo as the command. */
  private static Result run(ImageRule rule, Path marker, Path dir) throws Exception {
    ImageRule.Launch launch =
        rule.launch(List.of(), Map.of(), new ImageRule.Placeholders(5000, "p", "default"));
    List<String> command = new java.util.ArrayList<>(launch.command());
    assertThat(command.subList(0, 2)).containsExactly("sh", "-c");
    command.set(3, marker.toString());
    command.set(4, "echo");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = new HashMap<>(launch.env());
    builder.environment().putAll(env);
    builder.directory(dir.toFile());
    Process process = builder.start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
