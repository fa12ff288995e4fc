package io.agentfleet.sandbox.calls;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A snapshot of {@code /devserver/state}: the registered workers and every job. */
public record DevServerState(List<WorkerView> workers, List<JobView> jobs) {

  /** A registered worker and what it last reported. */
  public record WorkerView(String id, String agentName, String status, double load, int jobs) {}

  /** A job; {@code status} is the agent protocol's {@code JS_*} name. */
  public record JobView(String id, String dispatchId, String room, String status, String workerId) {
    boolean ended() {
      return status.equals("JS_SUCCESS") || status.equals("JS_FAILED");
    }
  }

  static DevServerState parse(JsonNode root) {
    List<WorkerView> workers = new ArrayList<>();
    for (JsonNode w : root.path("workers")) {
      workers.add(
          new WorkerView(
              w.path("id").asText(),
              w.path("agent_name").asText(),
              w.path("status").asText(),
              w.path("load").asDouble(),
              w.path("jobs").size()));
    }
    List<JobView> jobs = new ArrayList<>();
    for (JsonNode j : root.path("jobs")) {
      jobs.add(
          new JobView(
              j.path("id").asText(),
              j.path("dispatch_id").asText(),
              j.path("room").asText(),
              j.path("status").asText(),
              j.path("worker_id").asText()));
    }
    return new DevServerState(workers, jobs);
  }

  /** How many workers of an agent are registered, and their mean reported load. */
  public record WorkerSnapshot(int registered, double meanLoad) {}

  public WorkerSnapshot snapshot(String agentName) {
    List<WorkerView> mine = workersFor(agentName);
    double load = mine.stream().mapToDouble(WorkerView::load).average().orElse(0);
    return new WorkerSnapshot(mine.size(), load);
  }

  public Set<String> workerIds() {
    return workers.stream().map(WorkerView::id).collect(Collectors.toSet());
  }

  public List<WorkerView> workersFor(String agentName) {
    return workers.stream().filter(w -> w.agentName().equals(agentName)).toList();
  }

  /** The latest job of each dispatch. */
  public Map<String, JobView> jobsByDispatch() {
    return jobs.stream()
        .collect(Collectors.toMap(JobView::dispatchId, Function.identity(), (a, b) -> b));
  }
}
