package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.sandbox.agents.AgentEnvironments;
import io.agentfleet.sandbox.agents.AgentSdk;
import io.agentfleet.sandbox.launcher.NetworkNamespace;
import io.agentfleet.sandbox.launcher.WorkerImage;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./sandbox/run --media 2} for a short while, with each sample fleet (our Java worker, the
 * Python and the Node example agent): the launcher re-executes itself in a private network
 * namespace, media calls go through livekit-server to the fleet's echo agent and back, every caller
 * hears its own tone, and the Kubernetes API stays reachable from the test's (the host's) namespace
 * through the relay.
 */
class MediaLauncherTest {
  private static final Pattern HEARD = Pattern.compile("sent (\\d+)Hz heard (\\d+)Hz loud (\\d+)");

  @ParameterizedTest
  @ValueSource(strings = {"java", "python", "node"})
  void mediaCallsHearTheirOwnToneBackAndKubectlStillReachesTheApi(String agent) throws Exception {
    Optional<String> missing = NetworkNamespace.missing();
    if (missing.isPresent()) {
      System.err.println("MediaLauncherTest skipped: --media needs " + missing.get());
    }
    Assumptions.assumeTrue(missing.isEmpty(), () -> "--media needs " + missing.get());
    if (!agent.equals("java")) {
      Optional<String> problem =
          AgentEnvironments.problem(
              AgentSdk.valueOf(agent.toUpperCase(Locale.ROOT)),
              WorkerImage.repoRoot(),
              Path.of("target", "sandbox-tests", "agent-envs"));
      Assumptions.assumeTrue(problem.isEmpty(), () -> "skipped: " + problem.orElse(""));
    }
    String name = "launcher-media-" + agent;
    Path workdir = Path.of(System.getProperty("sandbox.workdir"), name);
    Files.deleteIfExists(workdir.resolve("kubeconfig"));
    AtomicReference<String> fromHost = new AtomicReference<>("never reached");
    Thread apiProbe = new Thread(() -> probeApiFromHost(workdir.resolve("kubeconfig"), fromHost));
    apiProbe.setDaemon(true);
    apiProbe.start();

    LauncherRun run =
        LauncherRun.execute(
            name,
            "--agent",
            agent,
            "--rate",
            "20",
            "--mean-call",
            "4",
            "--media",
            "2",
            "--duration",
            // An SDK agent's job is a process of its own that takes seconds to start here.
            agent.equals("java") ? "30" : "40");
    apiProbe.interrupt();

    assertThat(run.exitCode()).isZero();
    assertThat(run.output())
        .contains("private network namespace", "nsenter --net=/proc/", "Media calls:")
        .containsPattern("\\[ *\\d+s] calls .* \\(media \\d+ in call, \\d+ heard, \\d+ not\\)");
    assertThat(fromHost.get())
        .as("the API from the host's network namespace, through the relay")
        .isEqualTo("sandbox-agent listed");

    List<String> ledger = run.ledger();
    List<String> header = List.of(ledger.get(0).split(","));
    assertThat(header).contains("media").endsWith("outcome");
    int media = header.indexOf("media");
    int outcome = header.indexOf("outcome");
    List<String[]> rows =
        ledger.subList(1, ledger.size()).stream().map(l -> l.split(",", -1)).toList();
    assertThat(rows).noneMatch(r -> r[outcome].equals("DROPPED"));
    List<String[]> mediaCalls = rows.stream().filter(r -> !r[media].isEmpty()).toList();
    List<String[]> heard = mediaCalls.stream().filter(r -> HEARD.matcher(r[media]).find()).toList();
    assertThat(heard).as("media calls whose caller heard something").hasSizeGreaterThanOrEqualTo(2);
    for (String[] call : heard) {
      Matcher m = HEARD.matcher(call[media]);
      assertThat(m.find()).isTrue();
      assertThat(Math.abs(Integer.parseInt(m.group(1)) - Integer.parseInt(m.group(2))))
          .as("%s: %s", call[0], call[media])
          .isLessThan(40);
      assertThat(Integer.parseInt(m.group(3)))
          .as("%s: %s", call[0], call[media])
          .isGreaterThan(100);
      assertThat(call[outcome])
          .as("%s ended by its caller leaving", call[0])
          .isIn("COMPLETED", "COMPLETED_LATE", "IN_CALL");
    }
    assertThat(heard).anyMatch(r -> r[outcome].startsWith("COMPLETED"));
    assertThat(mediaCalls)
        .as("media calls are only ever heard, or cut off in their call by the end of the run")
        .allMatch(r -> HEARD.matcher(r[media]).find() || r[media].endsWith("in call"));
    run.assertNothingLeftBehind();
  }

  /**
   * Lists AgentDeployments with the kubeconfig (its server, CA and token), as kubectl in another
   * shell would.
   */
  private static void probeApiFromHost(Path kubeconfig, AtomicReference<String> result) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(500);
        if (!Files.exists(kubeconfig)) {
          continue;
        }
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
          List<String> names =
              client
                  .resources(AgentDeployment.class)
                  .inNamespace("default")
                  .list()
                  .getItems()
                  .stream()
                  .map(d -> d.getMetadata().getName())
                  .toList();
          if (names.contains("sandbox-agent")) {
            result.set("sandbox-agent listed");
            return;
          }
          result.set("listed " + names);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        result.set(e.toString());
      }
    }
  }
}
