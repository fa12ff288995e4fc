package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.kubelet.RestartBackoff;
import io.agentfleet.sandbox.launcher.Sandbox;
import io.agentfleet.sandbox.launcher.SandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    Path operator = path("sandbox.operator.jar");
    Path worker = path("sandbox.worker.jar");
    Path devserver = path("sandbox.devserver.jar");
    for (Path jar : List.of(operator, worker, devserver)) {
      Assumptions.assumeTrue(
          Files.exists(jar), jar + " is missing: build with ./mvnw -pl sandbox -am verify");
    }
    Path workdir = Path.of(System.getProperty("sandbox.workdir", "target/sandbox-tests"), name);
    return Sandbox.start(
        new SandboxConfig(
            workdir,
            path("sandbox.crd"),
            operator,
            worker,
            devserver,
            0,
            0,
            0,
            new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)),
            List.of()));
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
