package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.kubelet.RestartBackoff;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.SandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a sandbox for system tests from the paths Maven passes (see the sandbox pom), and after it
 * is closed checks that none of its processes outlived it.
 */
final class TestSandboxes {
  private TestSandboxes() {}

  static Sandbox start(String name) throws IOException {
    return start(name, List.of(), Map.of());
  }

  /**
   * @param extraImages image rules tried before the worker's (e.g. a worker that cannot start)
   * @param operatorProperties system properties for the operator (e.g. a shorter resync)
   */
  static Sandbox start(
      String name, List<ImageRule> extraImages, Map<String, String> operatorProperties)
      throws IOException {
    Path operator = path("sandbox.operator.jar");
    Path worker = path("sandbox.worker.jar");
    for (Path jar : List.of(operator, worker)) {
      Assumptions.assumeTrue(
          Files.exists(jar), jar + " is missing: build with ./mvnw -pl sandbox -am verify");
    }
    Path workdir = Path.of(System.getProperty("sandbox.workdir", "target/sandbox-tests"), name);
    // Copies, so a rebuild of a module while the test runs cannot pull classes out from under
    // running processes (a replaced jar makes a running JVM fail to load its classes).
    Path jars = workdir.resolve("jars");
    return Sandbox.start(
        new SandboxConfig(
            workdir,
            path("sandbox.crd"),
            path("sandbox.deploy"),
            snapshot(operator.getParent(), jars.resolve("operator"))
                .resolve(operator.getFileName()),
            snapshot(worker, jars.resolve(worker.getFileName())),
            0,
            0,
            0,
            new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)),
            extraImages,
            operatorProperties));
  }

  /** Copies a file or a folder (the operator's quarkus-app) to {@code to}, replacing it. */
  private static Path snapshot(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (var old = Files.walk(to)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(to.getParent());
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
    return to;
  }

  /** The {@code kubectl agents} launcher ({@code cli/bin/kubectl-agents}), if its jar is built. */
  static Path cli() {
    Path launcher = path("sandbox.cli");
    Assumptions.assumeTrue(
        Files.isExecutable(launcher)
            && Files.exists(launcher.resolveSibling("../target/kubectl-agents.jar").normalize()),
        "kubectl agents is missing: build with ./mvnw -pl sandbox -am verify");
    return launcher;
  }

  private static Path path(String property) {
    return Path.of(System.getProperty(property, "missing-" + property));
  }

  /** Closes the sandbox and fails if any process it started is still alive. */
  static void closeAndCheckForLeaks(Sandbox sandbox) throws InterruptedException {
    Set<Long> pids = sandbox.startedPids();
    sandbox.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && pids.stream().anyMatch(TestSandboxes::alive)) {
      Thread.sleep(100);
    }
    assertThat(pids.stream().filter(TestSandboxes::alive).toList())
        .as("processes the sandbox started and left running")
        .isEmpty();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
