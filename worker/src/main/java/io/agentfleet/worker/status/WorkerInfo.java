package io.agentfleet.worker.status;

import com.google.gson.JsonObject;

/**
 * What {@code GET /worker} reports. The first six fields carry the names and meaning Python {@code
 * livekit-agents} serves (its {@code WorkerInfo}); the rest are Agentfleet's additions.
 */
public record WorkerInfo(
    String agentName,
    String workerType,
    int activeJobs,
    double workerLoad,
    String sdkVersion,
    int protocolVersion,
    String workerId,
    String status,
    boolean registered,
    boolean draining,
    int maxJobs,
    long jobsSucceeded,
    long jobsFailed) {

  /** Always emits every field, unlike Python's printer, so readers need no defaults. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("agent_name", agentName);
    o.addProperty("worker_type", workerType);
    o.addProperty("active_jobs", activeJobs);
    o.addProperty("worker_load", workerLoad);
    o.addProperty("sdk_version", sdkVersion);
    o.addProperty("protocol_version", protocolVersion);
    o.addProperty("project_type", "java");
    o.addProperty("worker_id", workerId);
    o.addProperty("status", status);
    o.addProperty("registered", registered);
    o.addProperty("draining", draining);
    o.addProperty("max_jobs", maxJobs);
    o.addProperty("jobs_succeeded", jobsSucceeded);
    o.addProperty("jobs_failed", jobsFailed);
    return o;
  }

  public boolean ready() {
    return registered && !draining;
  }
}
