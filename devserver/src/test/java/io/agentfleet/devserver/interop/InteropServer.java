package io.agentfleet.devserver.interop;

import io.agentfleet.controlplane.LiveKitLog;
import io.agentfleet.controlplane.LiveKitServer;
import io.agentfleet.devserver.DevServer;
import io.livekit.server.AccessToken;
import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server an interop test talks to: the in-process devserver or the real {@code livekit-server}
 * (a child process built by {@code tools/build-livekit.sh}). Clients reach both through LiveKit's
 * public protocols only; {@link #devServer} and {@link #log} are the two ways to see what no API
 * shows (the devserver's tables, the real server's log).
 */
public final class InteropServer implements AutoCloseable {
  public static final String KEY = "devkey";

  /** The real server refuses secrets shorter than 32 characters; the devserver takes any. */
  public static final String SECRET = "agentfleet-interop-tests-secret-0123456789";

  public enum Kind {
    DEVSERVER("devserver"),
    LIVEKIT_SERVER("livekit-server");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * Skips the calling test on servers {@code -Dinterop.servers} leaves out (a comma-separated list
   * of {@code devserver}, {@code livekit-server}); all run when it is unset.
   */
  public static void assumeSelected(Kind kind) {
    String selected = System.getProperty("interop.servers", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        selected.isBlank() || List.of(selected.split(",")).contains(kind.toString()),
        () -> kind + " not in -Dinterop.servers=" + selected);
  }

  private final Kind kind;
  private final DevServer dev;
  private final LiveKitServer real;
  private final LiveKitLog log;

  private InteropServer(Kind kind, DevServer dev, LiveKitServer real) {
    this.kind = kind;
    this.dev = dev;
    this.real = real;
    this.log = real == null ? null : new LiveKitLog(real.log());
  }

  /** A fresh server on a free port of 127.0.0.1, no webhooks. */
  public static InteropServer start(Kind kind, String purpose) throws Exception {
    return start(kind, purpose, "127.0.0.1", List.of());
  }

  /**
   * A fresh server bound to {@code host} (also the address announced for media), posting webhooks
   * to {@code webhooks}; {@code purpose} names the real server's work folder.
   */
  public static InteropServer start(Kind kind, String purpose, String host, List<URI> webhooks)
      throws Exception {
    return switch (kind) {
      case DEVSERVER -> {
        DevServer.Config dev = DevServer.Config.dev();
        yield new InteropServer(
            kind,
            DevServer.start(
                new DevServer.Config(
                    host,
                    0,
                    Map.of(KEY, SECRET),
                    dev.registrationTimeout(),
                    dev.availabilityTimeout(),
                    webhooks)),
            null);
      }
      case LIVEKIT_SERVER -> {
        Path base = Path.of(System.getProperty("agentfleet.livekit.workdir", "target/livekit"));
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base.toAbsolutePath(), purpose + "-");
        yield new InteropServer(
            kind,
            null,
            LiveKitServer.start(
                LiveKitServer.Options.in(dir, KEY, SECRET)
                    .withAddresses(host, host)
                    .withWebhooks(webhooks.stream().map(URI::toString).toList())));
      }
    };
  }

  public Kind kind() {
    return kind;
  }

  /** Where workers and clients connect, {@code ws://host:port}. */
  public String url() {
    return dev != null ? dev.url() : real.url();
  }

  /** Where the Twirp APIs are, {@code http://host:port}. */
  public String httpUrl() {
    return dev != null ? dev.httpUrl() : real.httpUrl();
  }

  /** The devserver, when this is one. */
  public Optional<DevServer> devServer() {
    return Optional.ofNullable(dev);
  }

  /** The real server's log, when this is the real server. */
  public Optional<LiveKitLog> log() {
    return Optional.ofNullable(log);
  }

  /** The ids of the workers of {@code agentName} the server holds now. */
  public List<String> workers(String agentName) {
    if (dev != null) {
      return dev.workers().all().stream()
          .filter(w -> w.agentName().equals(agentName))
          .map(w -> w.id())
          .toList();
    }
    return log.registeredWorkers().stream()
        .filter(w -> w.agentName().equals(agentName))
        .map(LiveKitLog.Worker::id)
        .toList();
  }

  public AgentDispatchServiceClient dispatches() {
    return AgentDispatchServiceClient.createClient(httpUrl(), KEY, SECRET);
  }

  public RoomServiceClient rooms() {
    return RoomServiceClient.createClient(httpUrl(), KEY, SECRET);
  }

  /** A caller's token to join {@code room} as {@code identity}. */
  public static String joinToken(String room, String identity) {
    AccessToken token = new AccessToken(KEY, SECRET);
    token.setIdentity(identity);
    token.addGrants(new RoomJoin(true), new RoomName(room));
    return token.toJwt();
  }

  /** A worker's token for {@code /agent}. */
  public static String workerToken() {
    AccessToken token = new AccessToken(KEY, SECRET);
    token.addGrants(new io.livekit.server.Agent(true));
    return token.toJwt();
  }

  /** Where to look when a test fails. */
  public String diagnostics() {
    if (dev != null) {
      return "devserver workers " + dev.workers().all().size() + ", jobs " + dev.jobs().jobs();
    }
    try {
      List<String> lines = Files.readAllLines(real.log());
      return "last lines of "
          + real.log()
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (Exception e) {
      return "see " + real.log();
    }
  }

  @Override
  public void close() throws Exception {
    if (dev != null) {
      dev.close();
    } else {
      real.close();
    }
  }

  @Override
  public String toString() {
    return kind + " at " + url();
  }
}
