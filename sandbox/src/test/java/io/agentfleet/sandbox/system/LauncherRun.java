package io.agentfleet.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.SandboxMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

/**
 * {@code ./sandbox/run} as its build leaves it, run in this JVM with the built jars: its exit code,
 * what it printed (echoed to the console too) and its work directory.
 */
record LauncherRun(int exitCode, String output, Path workdir, Set<Long> childrenBefore) {

  /** Runs the launcher in {@code sandbox.workdir/<name>} with steady calls and {@code args}. */
  static LauncherRun execute(String name, String... args) {
    String operator = System.getProperty("sandbox.operator.jar");
    String worker = System.getProperty("sandbox.worker.jar");
    for (String jar : List.of(operator, worker)) {
      Assumptions.assumeTrue(Files.exists(Path.of(jar)), jar + " is missing");
    }
    Path workdir = Path.of(System.getProperty("sandbox.workdir"), name);
    List<String> command =
        new ArrayList<>(
            List.of(
                "--workdir",
                workdir.toString(),
                "--crd",
                System.getProperty("sandbox.crd"),
                "--deploy",
                System.getProperty("sandbox.deploy"),
                "--operator-jar",
                operator,
                "--worker-jar",
                worker,
                "--livekit-port",
                "0",
                "--profile",
                "steady"));
    command.addAll(List.of(args));
    // What this JVM ran before (another test class's control plane) is not the launcher's.
    Set<Long> before =
        ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(new SandboxMain()).execute(command.toArray(String[]::new));
    } finally {
      System.setOut(console);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    console.print(out);
    return new LauncherRun(code, out, workdir, before);
  }

  List<String> ledger() throws java.io.IOException {
    return Files.readAllLines(workdir.resolve("calls.csv"));
  }

  /**
   * After a run, no process the launcher started may be alive: none below this JVM, and none of
   * ours in another network namespace (with {@code --media} the sandbox runs in its own, and a
   * process its inner JVM left behind is re-parented away from this one).
   */
  void assertNothingLeftBehind() throws InterruptedException {
    Thread.sleep(500);
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> !childrenBefore.contains(p.pid()))
                .toList())
        .as("processes left behind by the launcher")
        .isEmpty();
    String ours = networkNamespace(ProcessHandle.current().pid());
    assertThat(
            ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("agentfleet"))
                .filter(p -> !networkNamespace(p.pid()).equals(ours))
                .filter(p -> !networkNamespace(p.pid()).isEmpty())
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList())
        .as("our processes left in another network namespace")
        .isEmpty();
  }

  private static String networkNamespace(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return ""; // gone meanwhile, or not Linux
    }
  }
}
