package io.agentfleet.devserver.agent;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitModels.ParticipantPermission;

/**
 * One registered agent worker as the server sees it. Status and load are whatever the worker last
 * reported; a fresh worker is AVAILABLE with load 0, as on the real server.
 */
public final class Worker {
  private final String id;
  private final String apiKey;
  private final String agentName;
  private final JobType type;
  private final String version;
  private final ParticipantPermission permissions;
  private final Instant registeredAt;
  private final Consumer<ServerMessage> sender;
  private final Set<String> jobIds = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<AvailabilityResponse>> pendingOffers =
      new ConcurrentHashMap<>();
  private volatile WorkerStatus status = WorkerStatus.WS_AVAILABLE;
  private volatile float load;
  private volatile int reportedJobCount;

  public Worker(
      String id,
      String apiKey,
      Registration registration,
      Instant registeredAt,
      Consumer<ServerMessage> sender) {
    this.id = id;
    this.apiKey = apiKey;
    this.agentName = registration.agentName();
    this.type = registration.type();
    this.version = registration.version();
    this.permissions = registration.permissions();
    this.registeredAt = registeredAt;
    this.sender = sender;
  }

  /** What a worker declared in its {@code RegisterWorkerRequest}, defaults applied. */
  public record Registration(
      String agentName, JobType type, String version, ParticipantPermission permissions) {}

  public String id() {
    return id;
  }

  public String apiKey() {
    return apiKey;
  }

  public String agentName() {
    return agentName;
  }

  public JobType type() {
    return type;
  }

  public String version() {
    return version;
  }

  public ParticipantPermission permissions() {
    return permissions;
  }

  public Instant registeredAt() {
    return registeredAt;
  }

  public WorkerStatus status() {
    return status;
  }

  public float load() {
    return load;
  }

  public int reportedJobCount() {
    return reportedJobCount;
  }

  public Set<String> jobIds() {
    return Set.copyOf(jobIds);
  }

  void send(ServerMessage message) {
    sender.accept(message);
  }

  /** As the Go server: a present status replaces the stored one; load is always overwritten. */
  void updateStatus(boolean hasStatus, WorkerStatus newStatus, float newLoad, int jobCount) {
    if (hasStatus && newStatus != WorkerStatus.UNRECOGNIZED) {
      status = newStatus;
    }
    load = newLoad;
    reportedJobCount = jobCount;
  }

  CompletableFuture<AvailabilityResponse> expectAnswer(String jobId) {
    CompletableFuture<AvailabilityResponse> answer = new CompletableFuture<>();
    if (pendingOffers.putIfAbsent(jobId, answer) != null) {
      throw new IllegalStateException("duplicate assignment of job " + jobId);
    }
    return answer;
  }

  /** Returns false when no offer for that job is pending (the real server only warns). */
  boolean answer(AvailabilityResponse response) {
    CompletableFuture<AvailabilityResponse> answer = pendingOffers.remove(response.getJobId());
    return answer != null && answer.complete(response);
  }

  void forgetOffer(String jobId) {
    pendingOffers.remove(jobId);
  }

  void addJob(String jobId) {
    jobIds.add(jobId);
  }

  void removeJob(String jobId) {
    jobIds.remove(jobId);
  }

  /** Fails every pending offer so the dispatcher moves on to another worker. */
  void closed() {
    pendingOffers.values().forEach(f -> f.completeExceptionally(new WorkerClosedException(id)));
    pendingOffers.clear();
  }

  /** The worker's socket closed while an offer was outstanding. */
  public static final class WorkerClosedException extends RuntimeException {
    WorkerClosedException(String workerId) {
      super("worker " + workerId + " closed");
    }
  }
}
