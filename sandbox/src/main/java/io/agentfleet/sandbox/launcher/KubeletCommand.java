package io.agentfleet.sandbox.launcher;

import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.KubeletConfig;
import io.agentfleet.sandbox.kubelet.RestartBackoff;
import io.agentfleet.sandbox.kubelet.SimulatedKubelet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sandbox/run kubelet}: only the simulated kubelet, against whatever API server the
 * kubeconfig names (a real cluster too), running the pods bound to its node, or to none, as local
 * processes.
 */
@Command(
    name = "kubelet",
    mixinStandardHelpOptions = true,
    description =
        "Runs only the simulated kubelet against the API server of your kubeconfig (KUBECONFIG or"
            + " ~/.kube/config), until Ctrl-C.")
final class KubeletCommand implements Callable<Integer> {

  @Option(
      names = "--node",
      defaultValue = "sandbox",
      description = "Node name (default: ${DEFAULT-VALUE}).")
  String node;

  @Option(
      names = "--logs",
      defaultValue = "sandbox-run/logs/pods",
      description = "Pod logs (default: ${DEFAULT-VALUE}).")
  Path logs;

  @Option(
      names = "--worker-jar",
      description =
          "The worker's runnable jar (default: worker/target/agentfleet-worker-*-runnable.jar).")
  Path workerJar;

  @Option(names = "--image", description = "IMAGE=COMMAND ARGS..., as for the sandbox. Repeatable.")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--backoff",
      defaultValue = "10",
      description = "Crash-loop back-off base in seconds (default: ${DEFAULT-VALUE}).")
  long backoffSeconds;

  @Override
  public Integer call() throws Exception {
    List<ImageRule> rules = new ArrayList<>(images.stream().map(SandboxMain::imageRule).toList());
    rules.addAll(
        WorkerImage.defaults(
            workerJar != null
                ? workerJar
                : SandboxMain.find(Path.of("worker/target"), "agentfleet-worker-"),
            WorkerImage.repoRoot()));
    KubernetesClient client = new KubernetesClientBuilder().build();
    SimulatedKubelet kubelet =
        new SimulatedKubelet(
                client,
                new KubeletConfig(
                    node,
                    logs,
                    rules,
                    new RestartBackoff(Duration.ofSeconds(backoffSeconds), Duration.ofMinutes(5)),
                    Duration.ofSeconds(5)))
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    // The JVM exits when the hooks are done, so the hook itself stops the pods' processes.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kubelet.close();
                  client.close();
                  stopped.countDown();
                }));
    System.out.printf(
        "kubelet for node %s on %s; pod logs in %s. Ctrl-C stops it and its pods' processes.%n",
        node, client.getMasterUrl(), logs);
    stopped.await();
    return 0;
  }
}
