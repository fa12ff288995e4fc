package io.agentfleet.worker.media;

import com.sun.net.httpserver.HttpServer;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.ServerUnderTest;
import io.agentfleet.worker.job.builtin.BuiltInAgents;
import io.agentfleet.worker.job.builtin.EchoAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * The echo call of {@link MediaScenarios} against the real {@code livekit-server}, as a program run
 * in the namespace: the server binds the namespace's address and announces it for media, the worker
 * and the caller are the same Java code as against the devserver. Prints {@code CHECK} lines;
 * {@link RoomMediaTest} asserts on them.
 *
 * <p>Argument: the address to bind.
 */
public final class LiveKitEchoScenario {
  private LiveKitEchoScenario() {}

  public static void main(String[] args) {
    ScenarioProcess.exitWith("livekit-echo", () -> run(args[0]));
  }

  private static int run(String host) throws Exception {
    List<WebhookEvent> webhooks = new CopyOnWriteArrayList<>();
    HttpServer hooks = MediaScenarios.webhookReceiver(host, webhooks);
    MediaEngine engine = MediaEngine.shared();
    try (EchoRig rig =
        EchoRig.start(
            ServerUnderTest.Kind.LIVEKIT_SERVER,
            host,
            List.of(MediaScenarios.webhookUrl(host, hooks)),
            BuiltInAgents.selectableByMetadata(new EchoAgent()),
            b -> b.statusInterval(Duration.ofMillis(500)))) {
      System.out.println("INFO " + rig.server);
      try {
        MediaScenarios.echo(rig, engine, webhooks);
      } finally {
        System.out.println("INFO " + rig.server.diagnostics());
      }
    } finally {
      hooks.stop(0);
    }
    ScenarioProcess.closeMedia();
    return MediaScenarios.verdict();
  }
}
