package io.agentfleet.operator.redispatch;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.events.EventRecorder;
import io.agentfleet.operator.placement.DispatchClients;
import io.agentfleet.operator.placement.DispatchWatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.livekit.server.AgentDispatchServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.jboss.logging.Logger;

/**
 * Dispatches the agent again to rooms whose call lost its agent to a dead worker ({@link
 * OrphanDecision} decides; this only feeds it and carries out its answer). Runs at each reconcile
 * of a deployment with {@code spec.redispatch.enabled}; an agent lost in a room wakes those
 * deployments at once. Every attempt and outcome is an Event on the deployment and a count of
 * {@value #METRIC}{@code {outcome}} (created, failed, exhausted, joined): no room in the labels,
 * whose number has no bound.
 */
public final class RedispatchStep {

  private static final Logger LOG = Logger.getLogger(RedispatchStep.class);

  public static final String METRIC = "agentfleet.redispatches";

  /** After a failed attempt (the server could not be asked), try again this soon. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /** A re-dispatch whose agent joins later than this is not reported as joined. */
  static final Duration JOIN_REPORT_WINDOW = Duration.ofMinutes(10);

  private record Made(AgentDeployment deployment, int attempt, Instant lostAt, Instant at) {}

  private final DispatchClients clients;
  private final DispatchWatch placement;
  private final RoomWatch rooms;
  private final WorkerDeaths deaths = new WorkerDeaths();
  private final EventRecorder events;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, Made> made = new ConcurrentHashMap<>();
  private final Map<String, String> exhausted = new ConcurrentHashMap<>();
  private final List<Runnable> wake = new ArrayList<>();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "redispatch-retry");
            t.setDaemon(true);
            return t;
          });

  public RedispatchStep(
      DispatchClients clients,
      DispatchWatch placement,
      RoomWatch rooms,
      EventRecorder events,
      MeterRegistry meters,
      Clock clock) {
    this.clients = clients;
    this.placement = placement;
    this.rooms = rooms;
    this.events = events;
    this.meters = meters;
    this.clock = clock;
    rooms.onAgentLost(this::wakeAll);
    rooms.onAgentJoined(this::agentJoined);
  }

  /** How to wake the deployments that re-dispatch; the reconciler gives it. */
  public synchronized void onWake(Runnable wakeThem) {
    wake.add(wakeThem);
  }

  /**
   * One round for one deployment: its pods tell which workers died; each room whose agent was lost
   * is judged and, if so decided, dispatched again.
   */
  public void run(AgentDeployment deployment, List<Pod> pods) {
    Instant now = Instant.now(clock);
    String key = key(deployment);
    List<WorkerDeath> died = deaths.observe(key, pods, now);
    if (!deployment.getSpec().redispatchEnabled()) {
      return;
    }
    OrphanDecision.Policy policy =
        new OrphanDecision.Policy(
            true,
            deployment.getSpec().getAgentName(),
            deployment.getSpec().redispatchMaxAttempts());
    AgentDispatchServiceClient livekit = null;
    for (RoomFacts room : rooms.withLostAgents()) {
      if (!OrphanDecision.orphan(room, died, now).orphaned()) {
        continue;
      }
      try {
        if (livekit == null) {
          livekit = clients.of(deployment);
        }
        List<DispatchFact> dispatches =
            DispatchClients.body(livekit.listDispatch(room.room()).execute(), "ListDispatch")
                .stream()
                .map(d -> fact(d, now))
                .toList();
        Verdict verdict = OrphanDecision.judge(policy, room, died, dispatches, now);
        carryOut(deployment, livekit, room, verdict);
      } catch (IOException | RuntimeException e) {
        meters.counter(METRIC, "outcome", "failed").increment();
        String why = "re-dispatch of room " + room.room() + " failed: " + e.getMessage();
        LOG.warn(why);
        events.warning(deployment, EventReason.RedispatchFailed, why);
        retries.schedule(this::wakeAll, RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void carryOut(
      AgentDeployment deployment,
      AgentDispatchServiceClient livekit,
      RoomFacts room,
      Verdict verdict)
      throws IOException {
    if (verdict instanceof Verdict.Redispatch r) {
      DispatchClients.body(
          livekit
              .createDispatch(r.room(), deployment.getSpec().getAgentName(), r.metadata())
              .execute(),
          "CreateDispatch");
      Instant at = Instant.now(clock);
      made.put(
          r.room(), new Made(deployment, r.attempt(), room.lastDeparture().orElseThrow().at(), at));
      // A re-dispatch that finds no free worker waits like any dispatch: the placement watch
      // offers it again once a worker can take it.
      placement.roomStarted(r.room(), at);
      meters.counter(METRIC, "outcome", "created").increment();
      LOG.info(r.reason());
      events.normal(deployment, EventReason.Redispatched, r.reason());
    } else if (verdict instanceof Verdict.Leave l && l.why() == Verdict.Why.EXHAUSTED) {
      if (exhausted.put(l.room(), l.reason()) == null) {
        meters.counter(METRIC, "outcome", "exhausted").increment();
        LOG.warn(l.reason());
        events.warning(deployment, EventReason.RedispatchExhausted, l.reason());
      }
    } else {
      LOG.debugf("room %s left alone: %s", verdict.room(), verdict.reason());
    }
  }

  private void agentJoined(String room) {
    Made m = made.remove(room);
    if (m == null) {
      return;
    }
    Instant now = Instant.now(clock);
    if (m.at().plus(JOIN_REPORT_WINDOW).isBefore(now)) {
      return;
    }
    meters.counter(METRIC, "outcome", "joined").increment();
    events.normal(
        m.deployment(),
        EventReason.RedispatchJoined,
        "an agent joined room "
            + room
            + " after re-dispatch attempt "
            + m.attempt()
            + ", "
            + Duration.between(m.lostAt(), now).toMillis()
            + " ms after the agent was lost");
  }

  /** A room that finished needs nothing more. */
  public void roomFinished(String room) {
    made.remove(room);
    exhausted.remove(room);
  }

  public void forget(AgentDeployment deployment) {
    deaths.forget(key(deployment));
    made.values().removeIf(m -> key(m.deployment()).equals(key(deployment)));
  }

  private void wakeAll() {
    List<Runnable> all;
    synchronized (this) {
      all = List.copyOf(wake);
    }
    all.forEach(Runnable::run);
  }

  private static DispatchFact fact(AgentDispatch d, Instant now) {
    Instant created =
        d.hasState() && d.getState().getCreatedAt() > 0
            ? Instant.ofEpochSecond(0, d.getState().getCreatedAt())
            : now;
    return new DispatchFact(d.getId(), d.getAgentName(), d.getMetadata(), created);
  }

  private static String key(AgentDeployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }
}
