package io.agentfleet.operator.dashboard;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.operator.tombstone.Tombstones;
import io.agentfleet.operator.workers.WorkerPod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the dashboard shows, as the reconciler last saw it: per deployment the latest fleet, the
 * hour of figures ({@link History}) and the Events this operator recorded about it. Memory only: a
 * restart or a failover starts it empty, and the page says so.
 */
public final class Board {

  /** Events kept per deployment; the oldest goes first. */
  public static final int EVENTS_KEPT = 50;

  /** One deployment as its last reconcile saw it. */
  public record Observed(
      AgentDeployment deployment, AgentDeploymentStatus status, List<WorkerPod> pods, Instant at) {
    public Observed {
      pods = List.copyOf(pods);
    }

    public String namespace() {
      return deployment.getMetadata().getNamespace();
    }

    public String name() {
      return deployment.getMetadata().getName();
    }
  }

  /** An Event the operator recorded about a deployment. */
  public record EventLine(Instant at, String type, String reason, String message) {}

  private record Key(String namespace, String name) {}

  private static final class Entry {
    volatile Observed latest;
    final History history = History.hourly();
    final Deque<EventLine> events = new ArrayDeque<>();
  }

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  // Deleted deployments, so a reconcile still in flight does not bring one back.
  private final Tombstones gone = new Tombstones();
  private final JoinLatencies joins = new JoinLatencies();
  // The reconciler's revision watch, once the controller has started it.
  private volatile Function<AgentDeployment, Set<ControllerRevision>> revisions = d -> Set.of();

  /** Where the page reads a deployment's stored revisions from: the reconciler's watch. */
  public void revisionsFrom(Function<AgentDeployment, Set<ControllerRevision>> watch) {
    this.revisions = watch;
  }

  /** The deployment's ControllerRevisions as the watch holds them (no API request). */
  public List<ControllerRevision> revisions(AgentDeployment deployment) {
    return List.copyOf(revisions.apply(deployment));
  }

  /** Rooms' waits for an agent, as the LiveKit webhooks tell them. */
  public JoinLatencies joins() {
    return joins;
  }

  /** After each reconcile: the fleet after the writes and the status computed from it. */
  public void observed(
      AgentDeployment deployment, AgentDeploymentStatus status, List<WorkerPod> pods, Instant now) {
    if (gone.contains(deployment.getMetadata().getUid())) {
      return;
    }
    Entry entry =
        entry(deployment.getMetadata().getNamespace(), deployment.getMetadata().getName());
    Observed observed = new Observed(deployment, status, pods, now);
    entry.latest = observed;
    entry.history.add(DashboardView.sample(observed));
  }

  public void event(
      String namespace, String name, Instant at, String type, String reason, String message) {
    Entry entry = entry(namespace, name);
    synchronized (entry.events) {
      entry.events.addLast(new EventLine(at, type, reason, message));
      while (entry.events.size() > EVENTS_KEPT) {
        entry.events.pollFirst();
      }
    }
  }

  /** A deleted deployment leaves the page, for good. */
  public void forget(String namespace, String name, String uid) {
    if (uid != null) {
      gone.add(uid);
    }
    entries.remove(new Key(namespace, name));
  }

  /** Every deployment seen since start, by namespace and name. */
  public List<Observed> deployments() {
    List<Observed> all = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.latest != null) {
        all.add(e.latest);
      }
    }
    all.sort(Comparator.comparing(Observed::namespace).thenComparing(Observed::name));
    return all;
  }

  public Optional<Observed> latest(String namespace, String name) {
    Entry e = entries.get(new Key(namespace, name));
    return e == null ? Optional.empty() : Optional.ofNullable(e.latest);
  }

  public List<History.Sample> history(String namespace, String name, Instant now) {
    Entry e = entries.get(new Key(namespace, name));
    return e == null ? List.of() : e.history.since(now);
  }

  /** The recorded Events, newest first. */
  public List<EventLine> events(String namespace, String name) {
    Entry e = entries.get(new Key(namespace, name));
    if (e == null) {
      return List.of();
    }
    synchronized (e.events) {
      List<EventLine> out = new ArrayList<>(e.events);
      Collections.reverse(out);
      return out;
    }
  }

  private Entry entry(String namespace, String name) {
    return entries.computeIfAbsent(new Key(namespace, name), k -> new Entry());
  }
}
