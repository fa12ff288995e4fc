package io.agentfleet.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The folder holding binaries that one of the project's {@code tools/build-*.sh} scripts builds
 * from Go modules: the one a system property or environment variable names, else whatever the
 * script prints (it builds on first use, then answers from its cache at once).
 */
record BinaryFolder(Path path) {

  static BinaryFolder locate(String script, String property, String env) throws IOException {
    String given =
        Optional.ofNullable(System.getProperty(property)).orElseGet(() -> System.getenv(env));
    if (given != null && !given.isBlank()) {
      return new BinaryFolder(Path.of(given));
    }
    Path found =
        findScript(Path.of(System.getProperty("user.dir")).toAbsolutePath(), script)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot find "
                            + script
                            + " above "
                            + System.getProperty("user.dir")
                            + "; set -D"
                            + property
                            + " or "
                            + env
                            + " to the folder holding the binaries"));
    return new BinaryFolder(build(found));
  }

  /** An executable in this folder, or a clear error saying how to build it. */
  Path executable(String name, String script) {
    Path p = path.resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("no executable " + p + "; build it with " + script);
    }
    return p;
  }

  private static Optional<Path> findScript(Path from, String script) {
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(script);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Runs the script; its progress goes to our stderr, its last line names the folder. */
  private static Path build(Path script) throws IOException {
    Process process =
        new ProcessBuilder("bash", script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int code = process.waitFor();
      if (code != 0) {
        throw new IOException(script + " failed with exit code " + code + " (its output is above)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
      throw new IOException("interrupted while running " + script, e);
    }
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IOException(script + " printed no folder");
    }
    return Path.of(lines.get(lines.size() - 1).trim());
  }
}
