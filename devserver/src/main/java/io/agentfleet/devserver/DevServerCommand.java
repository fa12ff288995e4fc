package io.agentfleet.devserver;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar devserver.jar}: runs the devserver until killed. */
@Command(
    name = "devserver",
    mixinStandardHelpOptions = true,
    description = "LiveKit-compatible local server for agent workers (not an SFU).")
public final class DevServerCommand implements Callable<Integer> {
  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "7880",
      description = "HTTP/WebSocket port, 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--keys",
      split = ",",
      description = "API keys as key:secret, comma separated (default: devkey:secret).")
  String[] keys;

  @Option(
      names = "--webhook-url",
      paramLabel = "URL",
      description =
          "POST LiveKit webhooks (room_started, participant_joined, ...) here, signed with the"
              + " first API key; repeatable.")
  List<URI> webhookUrls = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Map<String, String> secrets = new LinkedHashMap<>();
    if (keys == null || keys.length == 0) {
      secrets.put("devkey", "secret");
    } else {
      for (String pair : keys) {
        String[] kv = pair.split(":", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), "--keys wants key:secret, got " + pair);
        }
        secrets.put(kv[0].trim(), kv[1].trim());
      }
    }
    DevServer.Config config =
        new DevServer.Config(
            bind,
            port,
            secrets,
            Duration.ofSeconds(10),
            DevServer.AVAILABILITY_TIMEOUT,
            webhookUrls);
    try (DevServer server = DevServer.start(config)) {
      System.out.println("devserver " + DevServer.VERSION + " listening on " + server.url());
      secrets.forEach((k, s) -> System.out.println("  API key: " + k + "  API secret: " + s));
      webhookUrls.forEach(u -> System.out.println("  webhooks to: " + u));
      System.out.println("  state: " + server.httpUrl() + "/devserver/state");
      System.out.flush();
      server.join();
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevServerCommand()).execute(args));
  }
}
