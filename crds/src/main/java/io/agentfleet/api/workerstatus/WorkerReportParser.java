package io.agentfleet.api.workerstatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;

/**
 * Reads {@code GET /worker} bodies of the three workers Agentfleet knows:
 *
 * <ul>
 *   <li>Python {@code livekit-agents}: protobuf JSON of WorkerInfo, zero values left out, {@code
 *       active_jobs} may be a float;
 *   <li>Node {@code @livekit/agents}: {@code active_jobs} but no {@code worker_load};
 *   <li>Agentfleet's Java worker: all of the above plus status, draining, job counters.
 * </ul>
 *
 * The operator's poller and {@code kubectl agents status} both read reports with it. With format
 * {@code auto} the body tells which it is. A body that is not a JSON object, or has fields of the
 * wrong type, is rejected: a status that cannot be read is unknown, never idle.
 */
public final class WorkerReportParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkerReportParser() {}

  public static WorkerReport parse(String body, WorkerStatusFormat declared) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedReport("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedReport("not a JSON object");
    }
    // A Kubernetes object (a Status from the API server's pod proxy) is not a worker's report.
    if (root.has("kind") && root.has("apiVersion")) {
      throw new MalformedReport("a Kubernetes " + root.get("kind") + ", not a worker report");
    }
    WorkerStatusFormat format = declared == WorkerStatusFormat.AUTO ? detect(root) : declared;
    int activeJobs = (int) Math.round(count(root, "active_jobs"));
    // Python leaves a zero load out; Node never sends one.
    Double load = Double.valueOf(0.0);
    if (root.has("worker_load")) {
      load = number(root, "worker_load", 0.0);
    } else if ("nodejs".equals(text(root, "project_type"))) {
      load = null;
    }
    if (load != null && (load < 0 || load.isNaN())) {
      throw new MalformedReport("worker_load is negative");
    }
    String status = text(root, "status");
    boolean draining = root.path("draining").asBoolean(false);
    boolean full = draining || (status != null && status.toUpperCase().contains("FULL"));
    Integer maxJobs = root.has("max_jobs") ? (int) count(root, "max_jobs") : null;
    Long succeeded = root.has("jobs_succeeded") ? (long) count(root, "jobs_succeeded") : null;
    Long failed = root.has("jobs_failed") ? (long) count(root, "jobs_failed") : null;
    return new WorkerReport(activeJobs, load, full, draining, maxJobs, succeeded, failed, format);
  }

  static WorkerStatusFormat detect(JsonNode root) {
    return root.has("worker_id")
            || root.has("draining")
            || "java".equals(text(root, "project_type"))
        ? WorkerStatusFormat.AGENTFLEET
        : WorkerStatusFormat.LIVEKIT_AGENTS;
  }

  private static double number(JsonNode root, String field, double absent) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isNumber()) {
      throw new MalformedReport(field + " is not a number: " + node);
    }
    double value = node.asDouble();
    // 1e400 reads as Infinity: a load or a count no planner can use.
    if (!Double.isFinite(value)) {
      throw new MalformedReport(field + " is not a finite number");
    }
    return value;
  }

  /**
   * A count of jobs: not negative and within an int, so a cast cannot wrap 1e10 into some other
   * count.
   */
  private static double count(JsonNode root, String field) {
    double value = number(root, field, 0.0);
    if (value < 0) {
      throw new MalformedReport(field + " is negative");
    }
    if (value > Integer.MAX_VALUE) {
      throw new MalformedReport(field + " is out of range: " + root.get(field));
    }
    return value;
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || !node.isTextual() ? null : node.asText();
  }

  /** The worker answered, but not with something we can read. */
  public static final class MalformedReport extends IllegalArgumentException {
    public MalformedReport(String message) {
      super(message);
    }
  }
}
