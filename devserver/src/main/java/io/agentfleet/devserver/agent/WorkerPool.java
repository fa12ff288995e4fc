package io.agentfleet.devserver.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.DoubleSupplier;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.WorkerStatus;

/** The registered workers, and the Go server's weighted-by-(1 - load) choice among them. */
public final class WorkerPool {
  private final ConcurrentMap<String, Worker> workers = new ConcurrentHashMap<>();
  private final DoubleSupplier random;

  public WorkerPool(DoubleSupplier random) {
    this.random = random;
  }

  void add(Worker worker) {
    workers.put(worker.id(), worker);
  }

  void remove(Worker worker) {
    workers.remove(worker.id());
  }

  public Collection<Worker> all() {
    return List.copyOf(workers.values());
  }

  public Optional<Worker> byId(String id) {
    return Optional.ofNullable(workers.get(id));
  }

  boolean anyFor(String agentName, JobType type) {
    return workers.values().stream()
        .anyMatch(w -> w.agentName().equals(agentName) && w.type() == type);
  }

  Optional<Worker> select(String agentName, JobType type, Set<String> attempted) {
    List<Worker> candidates = new ArrayList<>();
    for (Worker w : workers.values()) {
      if (w.agentName().equals(agentName) && w.type() == type && !attempted.contains(w.id())) {
        candidates.add(w);
      }
    }
    candidates.sort((a, b) -> a.id().compareTo(b.id()));
    return pick(candidates, Worker::status, Worker::load, random.getAsDouble());
  }

  /**
   * Picks a worker at random in proportion to {@code max(0, 1 - load)} among AVAILABLE ones, as
   * {@code selectWorkerWeightedByLoad} does. FULL workers and workers at load 1 are never picked.
   *
   * @param draw a number in [0, 1) that decides the pick, so tests can fix it
   */
  static <W> Optional<W> pick(
      List<W> candidates,
      java.util.function.Function<W, WorkerStatus> status,
      java.util.function.ToDoubleFunction<W> load,
      double draw) {
    double total = 0;
    double[] weights = new double[candidates.size()];
    for (int i = 0; i < candidates.size(); i++) {
      W c = candidates.get(i);
      weights[i] =
          status.apply(c) == WorkerStatus.WS_AVAILABLE ? Math.max(0, 1 - load.applyAsDouble(c)) : 0;
      total += weights[i];
    }
    if (total <= 0) {
      return Optional.empty();
    }
    double point = draw * total;
    for (int i = 0; i < candidates.size(); i++) {
      if (weights[i] > 0 && point < weights[i]) {
        return Optional.of(candidates.get(i));
      }
      point -= weights[i];
    }
    for (int i = candidates.size() - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return Optional.of(candidates.get(i));
      }
    }
    return Optional.empty();
  }
}
