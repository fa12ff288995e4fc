package io.agentfleet.operator.placement;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.configdata.WatchedContent;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.workers.PodRenderer;
import io.fabric8.kubernetes.api.model.Secret;
import io.livekit.server.AgentDispatchServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitAgentDispatch.AgentDispatch;
import okhttp3.OkHttpClient;
import org.jboss.logging.Logger;
import retrofit2.Response;

/**
 * Finds the dispatches the LiveKit server gave up on ({@link Placement}) and makes them again. The
 * rooms to look at come from LiveKit's webhooks: a room that started may hold a dispatch that finds
 * no worker; an agent joining it or the room finishing ends the watch. Each round asks the server
 * for the dispatches of the rooms being watched ({@code ListDispatch}) with the deployment's own
 * credentials, counts the waiting ones as demand and dispatches again those a free worker can take.
 */
public final class DispatchWatch {
  private static final Logger LOG = Logger.getLogger(DispatchWatch.class);

  /** A room with no dispatch at all this long after it started is not waiting for an agent. */
  static final Duration UNDISPATCHED = Duration.ofSeconds(60);

  /** At most this many rooms asked about per deployment and round, oldest first. */
  static final int ROOMS_PER_ROUND = 100;

  private final WatchedContent<Secret> secrets;
  private final EventRecorder events;
  private final MeterRegistry meters;
  private final Map<String, Instant> rooms = new ConcurrentHashMap<>();
  private final Map<List<String>, AgentDispatchServiceClient> clients = new ConcurrentHashMap<>();
  private final OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(Duration.ofSeconds(2))
          .readTimeout(Duration.ofSeconds(3))
          .callTimeout(Duration.ofSeconds(5))
          .build();

  public DispatchWatch(WatchedContent<Secret> secrets, EventRecorder events, MeterRegistry meters) {
    this.secrets = secrets;
    this.events = events;
    this.meters = meters;
  }

  /** A room started: it may hold a dispatch that finds no worker. */
  public void roomStarted(String room, Instant now) {
    rooms.putIfAbsent(room, now);
  }

  /** An agent joined, or the room finished: nothing waits there any more. */
  public void roomDone(String room) {
    rooms.remove(room);
  }

  /**
   * The dispatches of the watched rooms, as the LiveKit server lists them, for one deployment's
   * server. A server that cannot be asked gives none (logged), so the autoscaler goes on as without
   * this watch.
   */
  public List<WaitingDispatch> observe(AgentDeployment deployment, Instant now) {
    if (rooms.isEmpty()) {
      return List.of();
    }
    AgentDispatchServiceClient livekit;
    try {
      livekit = client(deployment);
    } catch (IllegalStateException e) {
      LOG.debugf("dispatches of %s not checked: %s", deployment.getMetadata().getName(), e);
      return List.of();
    }
    List<WaitingDispatch> dispatches = new ArrayList<>();
    List<Map.Entry<String, Instant>> watched =
        rooms.entrySet().stream()
            .sorted(Map.Entry.comparingByValue())
            .limit(ROOMS_PER_ROUND)
            .toList();
    for (Map.Entry<String, Instant> room : watched) {
      List<AgentDispatch> listed;
      try {
        listed = body(livekit.listDispatch(room.getKey()).execute(), "ListDispatch");
      } catch (IOException | RuntimeException e) {
        LOG.debugf("ListDispatch of room %s failed: %s", room.getKey(), e);
        return List.of();
      }
      if (listed.isEmpty()) {
        if (!room.getValue().plus(UNDISPATCHED).isAfter(now)) {
          rooms.remove(room.getKey());
        }
        continue;
      }
      boolean allPlaced = true;
      for (AgentDispatch d : listed) {
        int jobs = d.hasState() ? d.getState().getJobsCount() : 0;
        allPlaced &= jobs > 0;
        Instant created =
            d.hasState() && d.getState().getCreatedAt() > 0
                ? Instant.ofEpochSecond(0, d.getState().getCreatedAt())
                : room.getValue();
        dispatches.add(
            new WaitingDispatch(
                d.getId(), d.getRoom(), d.getAgentName(), d.getMetadata(), created, jobs));
      }
      if (allPlaced) {
        rooms.remove(room.getKey());
      }
    }
    return dispatches;
  }

  /** Makes again the dispatches the placement says a free worker can take now. */
  public void reoffer(AgentDeployment deployment, Placement placement) {
    if (placement.reoffer().isEmpty()) {
      return;
    }
    AgentDispatchServiceClient livekit;
    try {
      livekit = client(deployment);
    } catch (IllegalStateException e) {
      LOG.warnf("dispatches of %s not made again: %s", deployment.getMetadata().getName(), e);
      return;
    }
    int made = 0;
    for (WaitingDispatch d : placement.reoffer()) {
      try {
        // The old dispatch never got a job; without it the room holds one dispatch per call.
        body(livekit.deleteDispatch(d.room(), d.id()).execute(), "DeleteDispatch");
        body(
            livekit.createDispatch(d.room(), d.agentName(), d.metadata()).execute(),
            "CreateDispatch");
        made++;
        meters.counter("agentfleet.dispatches.reoffered", "outcome", "created").increment();
      } catch (IOException | RuntimeException e) {
        meters.counter("agentfleet.dispatches.reoffered", "outcome", "failed").increment();
        LOG.warnf("dispatching room %s again failed: %s", d.room(), e.getMessage());
      }
    }
    if (made > 0) {
      LOG.info(placement.reason());
      events.normal(deployment, EventReason.DispatchReoffered, placement.reason());
    }
  }

  private static <T> T body(Response<T> response, String call) throws IOException {
    if (!response.isSuccessful() || response.body() == null) {
      throw new IOException(call + " answered " + response.code());
    }
    return response.body();
  }

  private AgentDispatchServiceClient client(AgentDeployment deployment) {
    String name = deployment.getSpec().getLivekit().getCredentialsSecret();
    Secret secret = secrets.get(deployment.getMetadata().getNamespace(), name).orElse(null);
    if (secret == null) {
      throw new IllegalStateException("Secret " + name + " not found");
    }
    String url = httpUrl(deployment.getSpec().getLivekit().getUrl());
    String key = value(secret, PodRenderer.SECRET_KEY_API_KEY);
    String apiSecret = value(secret, PodRenderer.SECRET_KEY_API_SECRET);
    // One client per server and credentials (a rotated secret gets a new one); all share one
    // connection pool, with timeouts short enough that a dead server cannot stall a reconcile.
    return clients.computeIfAbsent(
        List.of(url, key, Integer.toHexString(apiSecret.hashCode())),
        k -> AgentDispatchServiceClient.createClient(url, key, apiSecret, () -> http));
  }

  private static String value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    throw new IllegalStateException(
        "Secret " + secret.getMetadata().getName() + " has no key " + key);
  }

  /** The server API is HTTP on the address the workers' WebSocket URL names. */
  static String httpUrl(String livekitUrl) {
    if (livekitUrl.startsWith("wss://")) {
      return "https://" + livekitUrl.substring("wss://".length());
    }
    if (livekitUrl.startsWith("ws://")) {
      return "http://" + livekitUrl.substring("ws://".length());
    }
    return livekitUrl;
  }
}
