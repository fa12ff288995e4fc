package io.agentfleet.devserver.agent;

import io.agentfleet.devserver.auth.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobAssignment;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.JobTermination;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.UpdateJobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers jobs to workers and keeps every job's latest state. Follows {@code
 * AgentHandler.JobRequest}: pick a worker weighted by load, offer, and on a plain reject (or a
 * worker that went away) try the next one; a timeout ends the attempt without retry.
 */
public final class JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

  private final WorkerPool pool;
  private final TokenVerifier keys;
  private final Clock clock;
  private final Duration answerTimeout;
  private final ExecutorService executor;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> workerByJob = new ConcurrentHashMap<>();

  public JobLauncher(
      WorkerPool pool,
      TokenVerifier keys,
      Clock clock,
      Duration answerTimeout,
      ExecutorService executor) {
    this.pool = pool;
    this.keys = keys;
    this.clock = clock;
    this.answerTimeout = answerTimeout;
    this.executor = executor;
  }

  /**
   * Tries to place the job on a worker. Completes with the job as stored (RUNNING, or SUCCESS if
   * the worker answered terminate), or empty when no worker took it.
   */
  public CompletableFuture<Optional<Job>> launch(Job job) {
    return CompletableFuture.supplyAsync(() -> place(job), executor);
  }

  public boolean hasWorkersFor(Job job) {
    return pool.anyFor(job.getAgentName(), job.getType());
  }

  private Optional<Job> place(Job job) {
    Set<String> attempted = new HashSet<>();
    while (true) {
      Optional<Worker> candidate = pool.select(job.getAgentName(), job.getType(), attempted);
      if (candidate.isEmpty()) {
        LOG.info(
            "not dispatching job {} for agent '{}': no workers with sufficient capacity",
            job.getId(),
            job.getAgentName());
        return Optional.empty();
      }
      Worker worker = candidate.get();
      attempted.add(worker.id());
      try {
        Optional<Job> placed = offer(worker, job);
        if (placed.isPresent()) {
          return placed;
        }
      } catch (TimeoutException e) {
        LOG.warn("worker {} did not answer job {} in time; not retrying", worker.id(), job.getId());
        worker.forgetOffer(job.getId());
        return Optional.empty();
      }
    }
  }

  /** Returns empty when the worker rejected the job or closed, so the caller tries another. */
  private Optional<Job> offer(Worker worker, Job job) throws TimeoutException {
    Instant now = clock.instant();
    Job offered =
        job.toBuilder()
            .setState(
                JobState.newBuilder()
                    .setStatus(JobStatus.JS_RUNNING)
                    .setWorkerId(worker.id())
                    .setStartedAt(nanos(now))
                    .setUpdatedAt(nanos(now)))
            .build();
    CompletableFuture<AvailabilityResponse> pending;
    try {
      pending = worker.expectAnswer(job.getId());
    } catch (IllegalStateException duplicate) {
      return Optional.empty();
    }
    worker.send(
        ServerMessage.newBuilder()
            .setAvailability(AvailabilityRequest.newBuilder().setJob(offered))
            .build());
    AvailabilityResponse answer;
    try {
      answer = pending.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException closed) {
      LOG.info("worker {} closed before answering job {}", worker.id(), job.getId());
      return Optional.empty();
    }
    if (answer.getTerminate()) {
      Job ended = withStatus(offered, JobStatus.JS_SUCCESS, "");
      jobs.put(ended.getId(), ended);
      return Optional.of(ended);
    }
    if (!answer.getAvailable()) {
      LOG.info("worker {} rejected job {}", worker.id(), job.getId());
      return Optional.empty();
    }
    Job running =
        offered.toBuilder()
            .setState(
                offered.getState().toBuilder()
                    .setParticipantIdentity(answer.getParticipantIdentity()))
            .build();
    String token =
        JobTokens.build(
            worker.apiKey(),
            keys.secretFor(worker.apiKey()),
            running,
            worker.agentName(),
            worker.permissions(),
            answer,
            now);
    jobs.put(running.getId(), running);
    workerByJob.put(running.getId(), worker.id());
    worker.addJob(running.getId());
    worker.send(
        ServerMessage.newBuilder()
            .setAssignment(JobAssignment.newBuilder().setJob(running).setToken(token))
            .build());
    LOG.info("assigned job {} to worker {}", running.getId(), worker.id());
    return Optional.of(running);
  }

  void onAvailability(Worker worker, AvailabilityResponse answer) {
    if (!worker.answer(answer)) {
      LOG.warn("worker {} answered unknown job {}", worker.id(), answer.getJobId());
    }
  }

  void onJobUpdate(Worker worker, UpdateJobStatus update) {
    Job job = jobs.get(update.getJobId());
    if (job == null || !worker.id().equals(workerByJob.get(update.getJobId()))) {
      LOG.debug("ignoring update for unknown job {}", update.getJobId());
      return;
    }
    Job updated = withStatus(job, update.getStatus(), update.getError());
    jobs.put(updated.getId(), updated);
    if (isEnded(update.getStatus())) {
      workerByJob.remove(updated.getId());
      worker.removeJob(updated.getId());
    }
  }

  /** Sends {@code JobTermination} and marks the job ended, as {@code Worker.TerminateJob}. */
  public void terminate(String jobId) {
    String workerId = workerByJob.remove(jobId);
    Job job = jobs.get(jobId);
    if (workerId == null || job == null) {
      return;
    }
    pool.byId(workerId)
        .ifPresent(
            w -> {
              w.removeJob(jobId);
              w.send(
                  ServerMessage.newBuilder()
                      .setTermination(JobTermination.newBuilder().setJobId(jobId))
                      .build());
            });
    jobs.put(jobId, withStatus(job, JobStatus.JS_SUCCESS, ""));
  }

  /**
   * Like the Go server, forgets which worker ran the jobs of a closed socket but leaves the jobs'
   * states alone: the agents may still be in their rooms.
   */
  void workerClosed(Worker worker) {
    worker.closed();
    for (String jobId : worker.jobIds()) {
      workerByJob.remove(jobId, worker.id());
    }
  }

  public Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** The jobs created for a dispatch, oldest first. */
  public List<Job> jobsOfDispatch(String dispatchId) {
    return jobs.values().stream()
        .filter(j -> j.getDispatchId().equals(dispatchId))
        .sorted(java.util.Comparator.comparingLong(j -> j.getState().getStartedAt()))
        .toList();
  }

  public List<Job> jobs() {
    return new ArrayList<>(jobs.values());
  }

  public Optional<String> workerOf(String jobId) {
    return Optional.ofNullable(workerByJob.get(jobId));
  }

  private Job withStatus(Job job, JobStatus status, String error) {
    long now = nanos(clock.instant());
    JobState.Builder state = job.getState().toBuilder().setStatus(status).setUpdatedAt(now);
    if (!error.isEmpty()) {
      state.setError(error);
    }
    if (isEnded(status)) {
      state.setEndedAt(now);
    }
    return job.toBuilder().setState(state).build();
  }

  private static boolean isEnded(JobStatus status) {
    return status == JobStatus.JS_SUCCESS || status == JobStatus.JS_FAILED;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
