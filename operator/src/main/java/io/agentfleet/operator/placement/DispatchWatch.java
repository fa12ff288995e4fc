package io.agentfleet.operator.placement;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.livekit.server.AgentDispatchServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.jboss.logging.Logger;

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

  private final DispatchClients clients;
  private final EventRecorder events;
  private final MeterRegistry meters;
  private final Map<String, Instant> rooms = new ConcurrentHashMap<>();

  public DispatchWatch(DispatchClients clients, EventRecorder events, MeterRegistry meters) {
    this.clients = clients;
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
      livekit = clients.of(deployment);
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
        listed =
            DispatchClients.body(livekit.listDispatch(room.getKey()).execute(), "ListDispatch");
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
      livekit = clients.of(deployment);
    } catch (IllegalStateException e) {
      LOG.warnf("dispatches of %s not made again: %s", deployment.getMetadata().getName(), e);
      return;
    }
    int made = 0;
    for (WaitingDispatch d : placement.reoffer()) {
      try {
        // The old dispatch never got a job; without it the room holds one dispatch per call.
        DispatchClients.body(livekit.deleteDispatch(d.room(), d.id()).execute(), "DeleteDispatch");
        DispatchClients.body(
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
}
