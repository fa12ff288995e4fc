package io.agentfleet.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The real LiveKit server ({@code livekit-server}, built from its Go module by {@code
 * tools/build-livekit.sh}) as a process with a generated config: one API key, webhooks to the given
 * URLs, single-node routing (no Redis), the RTC ports given. Signalling, the agent protocol and the
 * Twirp APIs work on loopback; media needs a non-loopback address ({@code nodeIp}), which the media
 * tests get from a private network namespace.
 */
public final class LiveKitServer implements AutoCloseable {
  public static final String PROPERTY = "agentfleet.livekit.bin";
  public static final String ENV = "AGENTFLEET_LIVEKIT_BIN";
  static final String SCRIPT = "tools/build-livekit.sh";

  /**
   * @param port HTTP/WebSocket port, 0 for a free one
   * @param bindAddress where it listens
   * @param nodeIp the address it announces for media (ICE candidates)
   * @param webhookUrls where it posts signed webhooks; empty for none
   */
  public record Options(
      Path workdir,
      int port,
      String apiKey,
      String apiSecret,
      String bindAddress,
      String nodeIp,
      List<String> webhookUrls) {
    public static Options in(Path workdir, String apiKey, String apiSecret) {
      return new Options(workdir, 0, apiKey, apiSecret, "127.0.0.1", "127.0.0.1", List.of());
    }

    public Options withPort(int p) {
      return new Options(workdir, p, apiKey, apiSecret, bindAddress, nodeIp, webhookUrls);
    }

    public Options withWebhooks(List<String> urls) {
      return new Options(workdir, port, apiKey, apiSecret, bindAddress, nodeIp, List.copyOf(urls));
    }

    public Options withAddresses(String bind, String node) {
      return new Options(workdir, port, apiKey, apiSecret, bind, node, webhookUrls);
    }
  }

  private final Options options;
  private final Path binary;
  private final Path dir;
  private final int port;
  private ChildProcess process;

  private LiveKitServer(Options options, Path binary) throws IOException {
    this.options = options;
    this.binary = binary;
    this.dir = options.workdir().toAbsolutePath();
    this.port = options.port() == 0 ? ListenPorts.unused() : options.port();
  }

  /**
   * Builds the binary if needed, writes the config, starts the server and waits until it answers.
   */
  public static LiveKitServer start(Options options) throws IOException {
    Path binary = BinaryFolder.locate(SCRIPT, PROPERTY, ENV).executable("livekit-server", SCRIPT);
    LiveKitServer server = new LiveKitServer(options, binary);
    Files.createDirectories(server.dir);
    server.writeConfig();
    server.startProcess();
    return server;
  }

  private void writeConfig() throws IOException {
    int tcp = ListenPorts.unused();
    // A UDP range of its own per server, so parallel servers don't collide; 100 ports carry 50+
    // participants.
    int udpStart = 40000 + (port % 200) * 100;
    String webhooks =
        options.webhookUrls().isEmpty()
            ? ""
            : """
            webhook:
              api_key: %s
              urls:
            %s
            """
                .formatted(
                    options.apiKey(),
                    options.webhookUrls().stream()
                        .map(u -> "    - " + u)
                        .collect(Collectors.joining("\n")));
    Path config = dir.resolve("livekit.yaml");
    Files.writeString(
        config,
        """
        port: %d
        bind_addresses: [%s]
        rtc:
          tcp_port: %d
          port_range_start: %d
          port_range_end: %d
          use_external_ip: false
          node_ip: %s
        keys:
          %s: %s
        logging:
          level: info
        %s"""
            .formatted(
                port,
                options.bindAddress(),
                tcp,
                udpStart,
                udpStart + 99,
                options.nodeIp(),
                options.apiKey(),
                options.apiSecret(),
                webhooks));
    // The file holds the API secret.
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
  }

  private void startProcess() throws IOException {
    process =
        ChildProcess.start(
            "livekit-server",
            List.of(binary.toString(), "--config", dir.resolve("livekit.yaml").toString()),
            Map.of(),
            dir.resolve("livekit-server.log"));
    process.awaitHttpOk(httpUrl() + "/", Duration.ofSeconds(60));
  }

  /** Stops the server (SIGTERM); workers and clients lose their connections. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
  }

  /** Stops and starts it again on the same port with the same config; it remembers nothing. */
  public synchronized void restart() throws IOException {
    stop();
    startProcess();
  }

  /** e.g. {@code ws://127.0.0.1:7880}, what workers and clients are given. */
  public String url() {
    return "ws://" + host() + ":" + port;
  }

  private String host() {
    return options.bindAddress().equals("0.0.0.0") ? options.nodeIp() : options.bindAddress();
  }

  /** e.g. {@code http://127.0.0.1:7880}, for the Twirp APIs. */
  public String httpUrl() {
    return "http://" + host() + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return dir.resolve("livekit-server.log");
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
