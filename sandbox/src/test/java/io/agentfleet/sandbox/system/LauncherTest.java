package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.SandboxMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code ./sandbox/run} runs after its build, for a short while: calls flow, nothing leaks.
 */
class LauncherTest {

  @Test
  void runsPlacesCallsPrintsASummaryLineASecondAndCleansUp() throws Exception {
    String operator = System.getProperty("sandbox.operator.jar");
    String worker = System.getProperty("sandbox.worker.jar");
    String devserver = System.getProperty("sandbox.devserver.jar");
    for (String jar : List.of(operator, worker, devserver)) {
      Assumptions.assumeTrue(Files.exists(Path.of(jar)), jar + " is missing");
    }
    Path workdir = Path.of(System.getProperty("sandbox.workdir"), "launcher");
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code =
          new CommandLine(new SandboxMain())
              .execute(
                  "--workdir",
                  workdir.toString(),
                  "--crd",
                  System.getProperty("sandbox.crd"),
                  "--operator-jar",
                  operator,
                  "--worker-jar",
                  worker,
                  "--devserver-jar",
                  devserver,
                  "--livekit-port",
                  "0",
                  "--profile",
                  "steady",
                  "--rate",
                  "60",
                  "--mean-call",
                  "3",
                  "--duration",
                  "15");
    } finally {
      System.setOut(console);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    console.print(out);

    assertThat(code).isZero();
    assertThat(out).contains("Agentfleet sandbox is up", "export KUBECONFIG=");
    assertThat(out.lines().filter(l -> l.matches("\\[ *\\d+s] calls .*")).count())
        .isGreaterThanOrEqualTo(10);
    List<String> ledger = Files.readAllLines(workdir.resolve("calls.csv"));
    assertThat(ledger.get(0)).startsWith("room,dispatch_id");
    assertThat(ledger.subList(1, ledger.size())).anyMatch(l -> l.endsWith(",COMPLETED"));
    assertThat(ledger).noneMatch(l -> l.endsWith(",DROPPED"));
    Thread.sleep(500);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("processes left behind by the launcher")
        .isEmpty();
  }
}
