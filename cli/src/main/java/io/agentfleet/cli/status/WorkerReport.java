package io.agentfleet.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What a worker's {@code GET /worker} says about itself. Python {@code livekit-agents} leaves zero
 * values out (so an absent count or load is 0), Node {@code @livekit/agents} sends no load at all
 * (so it stays unknown), and Agentfleet's worker adds {@code draining}.
 *
 * @param calls {@code active_jobs}
 * @param load {@code worker_load}, null when the worker does not report one
 * @param draining the worker said it is draining (it finishes its calls and takes no new ones)
 */
public record WorkerReport(int calls, Double load, boolean draining) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Empty when the body is not a JSON object with numbers where numbers belong. */
  public static Optional<WorkerReport> parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    // A Kubernetes object (a Status, or what a stand-in proxy echoes) is not a worker's report.
    if (root == null || !root.isObject() || (root.has("kind") && root.has("apiVersion"))) {
      return Optional.empty();
    }
    JsonNode calls = root.path("active_jobs");
    JsonNode load = root.path("worker_load");
    if ((!calls.isMissingNode() && !calls.isNumber())
        || (!load.isMissingNode() && !load.isNumber())) {
      return Optional.empty();
    }
    Double reportedLoad;
    if (load.isNumber()) {
      reportedLoad = load.asDouble();
    } else if ("nodejs".equals(root.path("project_type").asText(null))) {
      reportedLoad = null;
    } else {
      reportedLoad = 0.0;
    }
    return Optional.of(
        new WorkerReport(
            (int) Math.round(calls.asDouble(0)),
            reportedLoad,
            root.path("draining").asBoolean(false)));
  }
}
