package io.agentfleet.worker.media;

import io.agentfleet.devserver.DevServer;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.AgentWorker;
import io.agentfleet.worker.caller.Caller;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.builtin.EchoAgent;
import io.agentfleet.worker.load.LoadFunction;
import io.agentfleet.worker.protocol.Backoff;
import io.livekit.server.AgentDispatchServiceClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The browser interop scenario, as a program run inside the private network namespace: a devserver,
 * a worker running the echo agent, a small web server for {@code call.html} and the {@code
 * livekit-client} bundle, and {@code node browser-call.mjs} driving headless Chromium. Prints
 * {@code CHECK} lines like {@link MediaScenarios} and always ends the JVM itself.
 *
 * <p>Arguments: the address to bind, the browser npm project's directory.
 */
public final class RtcNodeScenario {
  public static void main(String[] args) {
    int code = 1;
    try {
      code = run(args[0], Path.of(args[1]));
    } catch (Throwable t) {
      t.printStackTrace();
      System.out.println("CHECK rtc-node-scenario FAIL " + t);
    } finally {
      System.out.flush();
      Runtime.getRuntime().halt(code);
    }
  }

  private static int run(String host, Path project) throws Exception {
    DevServer server =
        DevServer.start(
            new DevServer.Config(
                host,
                0,
                Map.of("devkey", "secret"),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                List.of()));
    AgentWorker worker =
        new AgentWorker(
                WorkerConfig.builder(server.url(), "devkey", "secret")
                    .agentName("media")
                    .loadFunction(LoadFunction.JOBS)
                    .loadThreshold(1.0)
                    .http(host, 0)
                    .backoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)))
                    .build(),
                new EchoAgent())
            .start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.workers().all().isEmpty() && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    AgentDispatchServiceClient.createClient(server.httpUrl(), "devkey", "secret")
        .createDispatch("node-room", "media", "{\"delay_ms\":100}")
        .execute();
    Process node =
        new ProcessBuilder(
                "node", "rtc-call.mjs", server.url(), Caller.token("node-room", "rtc-node-caller"))
            .directory(project.toFile())
            .redirectErrorStream(true)
            .start();
    String output;
    try {
      output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      node.waitFor(90, TimeUnit.SECONDS);
    } finally {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
    System.out.println(output);
    String result =
        output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("RESULT none");
    boolean ok = result.contains("\"ok\":true");
    System.out.println("CHECK rtc-node-hears-java-echo " + (ok ? "ok " : "FAIL ") + result);
    worker.close();
    server.close();
    MediaEngine.shared().close();
    return ok ? 0 : 1;
  }
}
