package io.agentfleet.worker.media;

import io.agentfleet.media.MediaEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The shell of a scenario program run in the namespace: it prints {@code CHECK} lines and ends the
 * JVM itself, because webrtc-java's native threads would otherwise keep it alive.
 */
final class ScenarioProcess {
  private ScenarioProcess() {}

  /**
   * Runs the scenario and halts with its exit code; a throw is a failed check named {@code name}.
   */
  static void exitWith(String name, Callable<Integer> scenario) {
    int code = 1;
    try {
      code = scenario.call();
    } catch (Throwable t) {
      t.printStackTrace();
      System.out.println("CHECK " + name + " FAIL " + t);
    } finally {
      System.out.flush();
      Runtime.getRuntime().halt(code);
    }
  }

  /** Frees the process's shared media engine once every session is closed. */
  static void closeMedia() throws Exception {
    MediaEngine.shared().close();
  }

  /**
   * Runs a Node script of the npm test project to its end (at most 90 s) and returns its output,
   * echoed; its {@code RESULT} line carries the verdict.
   */
  static String runNode(Path project, List<String> command)
      throws IOException, InterruptedException {
    // To a file, not a pipe: reading a pipe to its end would wait past the limit for a hung script.
    Path log = Files.createTempFile("node-scenario", ".log");
    Process node =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String output;
    try {
      if (!node.waitFor(90, TimeUnit.SECONDS)) {
        System.out.println("node did not finish in 90 s: " + command);
      }
    } finally {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
      output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
    }
    System.out.println(output);
    return output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("RESULT none");
  }
}
