package io.agentfleet.devserver;

import io.agentfleet.devserver.agent.AgentService;
import io.agentfleet.devserver.agent.JobLauncher;
import io.agentfleet.devserver.agent.WorkerPool;
import io.agentfleet.devserver.auth.AuthException;
import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.devserver.auth.TokenVerifier;
import io.agentfleet.devserver.inspect.IntrospectionHandler;
import io.agentfleet.devserver.room.Rooms;
import io.agentfleet.devserver.rtc.RtcHttpHandler;
import io.agentfleet.devserver.rtc.RtcService;
import io.agentfleet.devserver.twirp.LiveKitApis;
import io.agentfleet.devserver.twirp.TwirpHandler;
import io.agentfleet.devserver.webhook.WebhookNotifier;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import livekit.LivekitModels.ServerInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A LiveKit-compatible server for development and tests: the {@code /agent} worker protocol, Twirp
 * {@code RoomService} and {@code AgentDispatchService}, {@code /rtc} signalling with an audio
 * relay, webhooks, and {@code /devserver/state}. One port, like the real server's 7880.
 */
public final class DevServer implements AutoCloseable {
  /** The {@code ServerInfo.version} the devserver reports to workers. */
  public static final String VERSION = "1.9.0-agentfleet-devserver";

  /** The maximum agent message size, as {@code limit.agent_signal_message_size_limit}. */
  public static final int MAX_AGENT_MESSAGE = 2 * 1024 * 1024;

  /** How long a worker has to answer an offer; see {@link Config#dev()}. */
  public static final Duration AVAILABILITY_TIMEOUT = Duration.ofSeconds(3);

  private final Server jetty;
  private final ExecutorService launches;
  private final ScheduledExecutorService timers;
  private final WorkerPool workers;
  private final JobLauncher jobs;
  private final Rooms rooms;
  private final IntrospectionHandler introspection;
  private final WebhookNotifier webhooks;
  private final RtcService rtc;
  private final String host;

  /**
   * @param host address to bind, e.g. 127.0.0.1
   * @param port 0 for any free port
   * @param keys API keys and their secrets
   */
  public record Config(
      String host,
      int port,
      Map<String, String> keys,
      Duration registrationTimeout,
      Duration availabilityTimeout,
      List<URI> webhookUrls) {

    public Config {
      webhookUrls = List.copyOf(webhookUrls);
    }

    /**
     * The {@code livekit-server --dev} defaults: devkey/secret on 127.0.0.1:7880; 10 s to register;
     * 3 s for an availability answer, the real server's effective deadline (its {@code
     * AssignJobTimeout} is 10 s, but the internal RPC carrying the offer gives up after about 3).
     */
    public static Config dev() {
      return new Config(
          "127.0.0.1",
          7880,
          Map.of("devkey", "secret"),
          Duration.ofSeconds(10),
          AVAILABILITY_TIMEOUT,
          List.of());
    }

    public Config withPort(int newPort) {
      return new Config(host, newPort, keys, registrationTimeout, availabilityTimeout, webhookUrls);
    }

    public Config withAvailabilityTimeout(Duration timeout) {
      return new Config(host, port, keys, registrationTimeout, timeout, webhookUrls);
    }

    public Config withRegistrationTimeout(Duration timeout) {
      return new Config(host, port, keys, timeout, availabilityTimeout, webhookUrls);
    }

    /** Where to POST webhooks, signed with the first API key (as {@code webhook.urls}). */
    public Config withWebhookUrls(List<URI> urls) {
      return new Config(host, port, keys, registrationTimeout, availabilityTimeout, urls);
    }
  }

  private DevServer(Config config) {
    this.host = config.host();
    Clock clock = Clock.systemUTC();
    TokenVerifier verifier = new TokenVerifier(config.keys());
    launches = Executors.newCachedThreadPool(daemon("devserver-launch"));
    timers = Executors.newScheduledThreadPool(1, daemon("devserver-timer"));
    workers = new WorkerPool(() -> ThreadLocalRandom.current().nextDouble());
    jobs = new JobLauncher(workers, verifier, clock, config.availabilityTimeout(), launches);
    ServerInfo serverInfo =
        ServerInfo.newBuilder()
            .setEdition(ServerInfo.Edition.Standard)
            .setVersion(VERSION)
            .setProtocol(16)
            .setAgentProtocol(AgentService.AGENT_PROTOCOL)
            .setNodeId("ND_devserver")
            .setRegion("local")
            .build();
    AgentService agents =
        new AgentService(workers, jobs, timers, clock, config.registrationTimeout(), serverInfo);
    Map.Entry<String, String> signingKey = config.keys().entrySet().iterator().next();
    webhooks =
        new WebhookNotifier(
            config.webhookUrls(),
            signingKey.getKey(),
            signingKey.getValue(),
            timers,
            clock,
            WebhookNotifier.RetryPolicy.standard());
    rooms = new Rooms(agents, clock, webhooks);
    introspection = new IntrospectionHandler(workers, jobs, rooms);
    rtc = new RtcService(verifier, rooms, webhooks, serverInfo, timers);
    rooms.onDeleted(rtc::roomDeleted);

    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("devserver-http");
    jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    // Some SDKs build "host//twirp/..."; the Go server strips the extra slash, so accept it.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("livekit", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    jetty.addConnector(connector);

    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            jetty,
            container -> {
              container.setMaxBinaryMessageSize(MAX_AGENT_MESSAGE);
              container.setMaxTextMessageSize(MAX_AGENT_MESSAGE);
              // The server pings every 10 s; a peer silent for a minute is gone.
              container.setIdleTimeout(Duration.ofSeconds(60));
              container.addMapping(
                  "/agent",
                  (request, response, callback) -> {
                    try {
                      String token =
                          TokenVerifier.tokenFrom(
                              request.getHeaders().get(HttpHeader.AUTHORIZATION),
                              Request.extractQueryParameters(request).getValue("access_token"));
                      Claims claims = verifier.verify(token);
                      if (!claims.grant("agent")) {
                        TwirpHandler.writePlain(response, callback, 401, "permissions denied");
                        return null;
                      }
                      return agents.newSocket(claims.apiKey());
                    } catch (AuthException e) {
                      TwirpHandler.writePlain(response, callback, 401, e.getMessage());
                      return null;
                    }
                  });
              container.addMapping(
                  "/rtc",
                  (request, response, callback) -> {
                    try {
                      return rtc.newSocket(request);
                    } catch (RtcService.JoinRejected e) {
                      TwirpHandler.writePlain(response, callback, e.status(), e.getMessage());
                      return null;
                    }
                  });
            });
    upgrades.setHandler(
        new Handler.Sequence(
            new TwirpHandler(verifier, new LiveKitApis(rooms, rtc::participants).methods()),
            introspection,
            new RtcHttpHandler(rtc),
            new RootHandler()));
    jetty.setHandler(upgrades);
  }

  public static DevServer start(Config config) throws Exception {
    DevServer server = new DevServer(config);
    try {
      server.jetty.start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** The URL workers and SDKs are given, e.g. {@code ws://127.0.0.1:7880}. */
  public String url() {
    return "ws://" + host + ":" + port();
  }

  public String httpUrl() {
    return "http://" + host + ":" + port();
  }

  public WorkerPool workers() {
    return workers;
  }

  public JobLauncher jobs() {
    return jobs;
  }

  public Rooms rooms() {
    return rooms;
  }

  public IntrospectionHandler introspection() {
    return introspection;
  }

  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      rtc.close();
      launches.shutdownNow();
      timers.shutdownNow();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code GET /} answers OK as the real server does; everything else unknown is 404. */
  private static final class RootHandler extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if ("/".equals(Request.getPathInContext(request))) {
        TwirpHandler.writePlain(response, callback, 200, "OK");
      } else {
        TwirpHandler.writePlain(response, callback, 404, "404 page not found");
      }
      return true;
    }
  }
}
