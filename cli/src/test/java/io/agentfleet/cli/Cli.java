package io.agentfleet.cli;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code kubectl agents} in-process against a mock API server, through a kubeconfig written
 * for it, so the flags are read exactly as on a real machine.
 */
public record Cli(Path kubeconfig, Clock clock) {

  public record Result(int exitCode, String out, String err) {}

  /** A kubeconfig with context "mock" (namespace default) and "team-a" (namespace team-a). */
  public static Path kubeconfig(KubernetesMockServer server, Path dir) throws IOException {
    String url = server.url("/").toString().replaceAll("/$", "");
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        users:
        - name: tester
          user:
            token: not-checked
        contexts:
        - name: mock
          context: {cluster: mock, user: tester, namespace: default}
        - name: team-a
          context: {cluster: mock, user: tester, namespace: team-a}
        current-context: mock
        """
            .formatted(url));
    return file;
  }

  public Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--kubeconfig")) {
      all.add("--kubeconfig");
      all.add(kubeconfig.toString());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = KubectlAgents.commandLine(clock);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }
}
