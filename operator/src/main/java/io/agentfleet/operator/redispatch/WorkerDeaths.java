package io.agentfleet.operator.redispatch;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker processes of each deployment that ended lately: a container that terminated (it
 * restarted, or the pod finished), or a pod that vanished. A pod that was being deleted when it
 * ended was drained. Remembered for as long as {@link OrphanDecision} may match a death to an agent
 * that left.
 */
public final class WorkerDeaths {

  static final Duration MEMORY = OrphanDecision.DEATH_WINDOW.multipliedBy(2);

  private record Seen(boolean terminating) {}

  private final Map<String, Map<String, Seen>> seen = new ConcurrentHashMap<>();
  private final Map<String, List<WorkerDeath>> recent = new ConcurrentHashMap<>();

  /** Records the deaths the deployment's pods show now, and returns those of late. */
  public synchronized List<WorkerDeath> observe(String deployment, List<Pod> pods, Instant now) {
    Map<String, Seen> before = seen.getOrDefault(deployment, Map.of());
    Map<String, Seen> after = new HashMap<>();
    List<WorkerDeath> deaths = new ArrayList<>(recent.getOrDefault(deployment, List.of()));
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      after.put(name, new Seen(terminating));
      ended(pod)
          .map(at -> new WorkerDeath(name, at, terminating))
          .filter(d -> !deaths.contains(d))
          .ifPresent(deaths::add);
    }
    before.forEach(
        (name, was) -> {
          if (!after.containsKey(name)) {
            deaths.add(new WorkerDeath(name, now, was.terminating()));
          }
        });
    deaths.removeIf(d -> d.at().plus(MEMORY).isBefore(now));
    seen.put(deployment, after);
    recent.put(deployment, List.copyOf(deaths));
    return List.copyOf(deaths);
  }

  public void forget(String deployment) {
    seen.remove(deployment);
    recent.remove(deployment);
  }

  /** When the pod's worker process last ended, by its containers' terminated states. */
  static Optional<Instant> ended(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    Instant last = null;
    for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
      for (ContainerStateTerminated t : terminations(c)) {
        Instant at = parse(t.getFinishedAt());
        if (at != null && (last == null || at.isAfter(last))) {
          last = at;
        }
      }
    }
    return Optional.ofNullable(last);
  }

  private static List<ContainerStateTerminated> terminations(ContainerStatus c) {
    List<ContainerStateTerminated> t = new ArrayList<>();
    if (c.getState() != null && c.getState().getTerminated() != null) {
      t.add(c.getState().getTerminated());
    }
    if (c.getLastState() != null && c.getLastState().getTerminated() != null) {
      t.add(c.getLastState().getTerminated());
    }
    return t;
  }

  private static Instant parse(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
