package io.agentfleet.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where etcd, kube-apiserver and kube-controller-manager are: the folder named by the system
 * property {@value #PROPERTY} or the environment variable {@value #ENV}, else whatever {@code
 * tools/build-kube.sh} prints (it builds them on first use, then answers from its cache at once).
 */
public record KubeBinaries(Path etcd, Path apiserver, Path controllerManager) {
  public static final String PROPERTY = "agentfleet.kube.bin";
  public static final String ENV = "AGENTFLEET_KUBE_BIN";
  static final String SCRIPT = "tools/build-kube.sh";

  public static KubeBinaries in(Path folder) {
    KubeBinaries binaries =
        new KubeBinaries(
            folder.resolve("etcd"),
            folder.resolve("kube-apiserver"),
            folder.resolve("kube-controller-manager"));
    for (Path p : List.of(binaries.etcd, binaries.apiserver, binaries.controllerManager)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            "no executable " + p + "; build the control plane with " + SCRIPT);
      }
    }
    return binaries;
  }

  /** Finds the binaries, building them with the project's script if needed. */
  public static KubeBinaries locate() throws IOException {
    String given =
        Optional.ofNullable(System.getProperty(PROPERTY)).orElseGet(() -> System.getenv(ENV));
    if (given != null && !given.isBlank()) {
      return in(Path.of(given));
    }
    Path script =
        findScript(Path.of(System.getProperty("user.dir")).toAbsolutePath())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot find "
                            + SCRIPT
                            + " above "
                            + System.getProperty("user.dir")
                            + "; set -D"
                            + PROPERTY
                            + " or "
                            + ENV
                            + " to the folder holding the binaries"));
    return in(build(script));
  }

  private static Optional<Path> findScript(Path from) {
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCRIPT);
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
      throw new IOException("interrupted while building the control plane", e);
    }
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IOException(script + " printed no folder");
    }
    return Path.of(lines.get(lines.size() - 1).trim());
  }
}
