package io.agentfleet.worker.protocol;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerStatus;

/**
 * The worker's decisions, free of I/O: whether it is registered, ready or draining, whether to take
 * an offered job, and what status to report. Callers feed it events and send what it returns.
 *
 * <p>A job counts against capacity from the moment it is accepted (a reservation) until it ends, so
 * two offers that arrive together cannot both take the last slot.
 */
public final class WorkerState {
  /** The attribute the SDKs put on the agent participant; the server adds {@code lk.agent_name}. */
  public static final String AGENT_NAME_ATTRIBUTE = "lk.agent.name";

  private final String agentName;
  private final int maxJobs;
  private final double loadThreshold;
  private final Set<String> reserved = new HashSet<>();
  private final Set<String> running = new HashSet<>();
  private String workerId = "";
  private boolean registered;
  private boolean draining;

  /**
   * @param maxJobs jobs this worker runs at once
   * @param loadThreshold load at or above which the worker reports FULL and refuses jobs
   */
  public WorkerState(String agentName, int maxJobs, double loadThreshold) {
    if (maxJobs < 1) {
      throw new IllegalArgumentException("maxJobs must be at least 1");
    }
    this.agentName = agentName;
    this.maxJobs = maxJobs;
    this.loadThreshold = loadThreshold;
  }

  public synchronized void registered(String id) {
    workerId = id;
    registered = true;
  }

  /** The socket closed: jobs keep running, the registration is gone (the server forgets us). */
  public synchronized void disconnected() {
    registered = false;
    reserved.clear();
    notifyAll();
  }

  /** Starts draining; returns false if already draining. */
  public synchronized boolean drain() {
    boolean first = !draining;
    draining = true;
    return first;
  }

  /**
   * Answers an offer. Accepts while not draining, under {@code maxJobs} and under the load
   * threshold, with identity {@code agent-<jobId>} and the agent-name attribute.
   *
   * @param load the worker's current load
   */
  public synchronized AvailabilityResponse offer(String jobId, double load) {
    boolean accept =
        !draining
            && !reserved.contains(jobId)
            && !running.contains(jobId)
            && occupied() < maxJobs
            && load < loadThreshold;
    AvailabilityResponse.Builder answer =
        AvailabilityResponse.newBuilder().setJobId(jobId).setAvailable(accept);
    if (accept) {
      reserved.add(jobId);
      answer
          .setParticipantIdentity("agent-" + jobId)
          .putAllParticipantAttributes(Map.of(AGENT_NAME_ATTRIBUTE, agentName));
    }
    return answer.build();
  }

  /**
   * The server assigned an accepted job: returns true if it should run; false when the worker
   * cannot take it or already runs it ({@link #runs}).
   */
  public synchronized boolean assigned(String jobId) {
    // A server that repeats an assignment must not get the job run twice.
    if (running.contains(jobId)) {
      return false;
    }
    boolean wasReserved = reserved.remove(jobId);
    if (!wasReserved && (draining || occupied() >= maxJobs)) {
      return false;
    }
    running.add(jobId);
    return true;
  }

  /** Whether this job runs here already (a second assignment of it is not a second job). */
  public synchronized boolean runs(String jobId) {
    return running.contains(jobId);
  }

  /** An accepted job was never assigned in time; free its slot. */
  public synchronized void assignmentTimedOut(String jobId) {
    reserved.remove(jobId);
    notifyAll();
  }

  /**
   * A job ended. Call it only once LiveKit was told how the job ended: {@link #awaitIdle} lets the
   * worker close its socket, and a job whose end the server never heard stays running there.
   */
  public synchronized void finished(String jobId) {
    running.remove(jobId);
    notifyAll();
  }

  /**
   * Waits until no job is running and none is accepted but not yet assigned (its assignment may
   * still arrive), or until the timeout; returns true when idle.
   */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (occupied() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** The load the job count alone implies, for load functions that use it. */
  public synchronized double jobFraction() {
    return Math.min(1.0, (double) occupied() / maxJobs);
  }

  /**
   * The status to report. FULL while draining, at {@code maxJobs}, or at the load threshold. While
   * draining the load is reported as 1 so no server or autoscaler mistakes the worker for spare
   * capacity (agents-js does the same).
   */
  public synchronized UpdateWorkerStatus status(double load) {
    boolean full = draining || occupied() >= maxJobs || load >= loadThreshold;
    return UpdateWorkerStatus.newBuilder()
        .setStatus(full ? WorkerStatus.WS_FULL : WorkerStatus.WS_AVAILABLE)
        .setLoad((float) (draining ? 1.0 : load))
        .setJobCount(running.size())
        .build();
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        workerId, registered, draining, running.size(), reserved.size(), maxJobs, loadThreshold);
  }

  public synchronized Set<String> runningJobs() {
    return Set.copyOf(running);
  }

  public synchronized Optional<String> workerId() {
    return registered ? Optional.of(workerId) : Optional.empty();
  }

  private int occupied() {
    return reserved.size() + running.size();
  }

  /** A consistent view for the status endpoint. */
  public record Snapshot(
      String workerId,
      boolean registered,
      boolean draining,
      int activeJobs,
      int reservedJobs,
      int maxJobs,
      double loadThreshold) {

    /** Ready for Kubernetes: registered with LiveKit and not draining. */
    public boolean ready() {
      return registered && !draining;
    }
  }
}
