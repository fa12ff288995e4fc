package io.agentfleet.worker;

import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.Cancellation;
import io.agentfleet.worker.job.JobContext;
import io.agentfleet.worker.job.JobOutcome;
import io.agentfleet.worker.job.JobRunner;
import io.agentfleet.worker.load.CpuMonitor;
import io.agentfleet.worker.protocol.AgentConnection;
import io.agentfleet.worker.protocol.WorkerState;
import io.agentfleet.worker.status.StatusServer;
import io.agentfleet.worker.status.WorkerInfo;
import io.agentfleet.worker.status.WorkerMetrics;
import io.livekit.server.AccessToken;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.JobAssignment;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.UpdateJobStatus;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitModels.ParticipantPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent worker: connects to LiveKit, takes jobs into a {@link JobRunner}, reports status,
 * serves the status endpoint, and drains. Decisions are {@link WorkerState}'s; this class only
 * wires events to it and sends what it decides.
 */
public final class AgentWorker implements AutoCloseable {
  /** Reported as {@code version} on registration and as {@code sdk_version}. */
  public static final String SDK_VERSION = "0.1.0";

  /** The agent protocol version reported on {@code /worker}, as the SDKs do. */
  public static final int PROTOCOL_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(AgentWorker.class);
  // The SDKs wait 7.5 s for an assignment after accepting.
  private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofMillis(7500);

  private final WorkerConfig config;
  private final WorkerState state;
  private final JobRunner runner;
  private final AgentConnection connection;
  private final CpuMonitor cpu;
  private final ScheduledExecutorService timers;
  private final WorkerMetrics metrics;
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile double lastCpu;
  private volatile boolean closing;
  private StatusServer http;

  public AgentWorker(WorkerConfig config, Agent agent) {
    this.config = config;
    this.state = new WorkerState(config.agentName(), config.maxJobs(), config.loadThreshold());
    this.runner = new JobRunner(agent, config.maxJobs(), this::jobEnded);
    this.cpu = CpuMonitor.forThisProcess();
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "worker-timer");
              t.setDaemon(true);
              return t;
            });
    this.metrics = new WorkerMetrics(this::info);
    this.connection =
        new AgentConnection(
            config.agentUri(), this::workerToken, this::registration, config.backoff(), listener());
  }

  /** Starts the status server (if enabled), the connection and the status reports. */
  public AgentWorker start() throws IOException {
    if (config.httpPort() >= 0) {
      http = new StatusServer(config.httpHost(), config.httpPort(), this::info, metrics).start();
      LOG.info("status server on port {}", http.port());
    }
    connection.start();
    long every = config.statusInterval().toMillis();
    timers.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The status server's port, or -1 when disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public WorkerInfo info() {
    WorkerState.Snapshot s = state.snapshot();
    UpdateWorkerStatus status = state.status(load());
    return new WorkerInfo(
        config.agentName(),
        config.jobType().name(),
        s.activeJobs(),
        status.getLoad(),
        SDK_VERSION,
        PROTOCOL_VERSION,
        s.workerId(),
        status.getStatus().name(),
        s.registered(),
        s.draining(),
        s.maxJobs(),
        succeeded.get(),
        failed.get());
  }

  /**
   * Stops taking jobs, reports FULL, and waits up to {@code timeout} for running jobs; jobs still
   * running then are cancelled. Returns true if every job finished on its own.
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    if (state.drain()) {
      LOG.info(
          "draining: {} active jobs, waiting up to {} s", runner.activeJobs(), timeout.toSeconds());
      sendStatus();
    }
    boolean idle = state.awaitIdle(timeout);
    if (!idle) {
      LOG.warn("drain timed out with {} jobs running; cancelling them", runner.activeJobs());
      runner.cancelAll("drain timeout");
      state.awaitIdle(Duration.ofSeconds(5));
    } else {
      LOG.info("drained: no jobs running");
    }
    return idle;
  }

  @Override
  public void close() {
    closing = true;
    connection.close();
    timers.shutdownNow();
    runner.close();
    if (http != null) {
      http.stop();
    }
  }

  private AgentConnection.Listener listener() {
    return new AgentConnection.Listener() {
      @Override
      public void registered(RegisterWorkerResponse response) {
        state.registered(response.getWorkerId());
        sendStatus();
      }

      @Override
      public void message(ServerMessage message) {
        switch (message.getMessageCase()) {
          case AVAILABILITY -> offered(message.getAvailability());
          case ASSIGNMENT -> assigned(message.getAssignment());
          case TERMINATION -> {
            String jobId = message.getTermination().getJobId();
            if (runner.cancel(jobId, "terminated by server")) {
              LOG.info("job {} terminated by server", jobId);
            }
          }
          default -> {
            // register (already handled) and pong need no action
          }
        }
      }

      @Override
      public void disconnected() {
        state.disconnected();
        if (!closing) {
          LOG.warn("disconnected from LiveKit; {} jobs keep running", runner.activeJobs());
        }
      }
    };
  }

  private void offered(AvailabilityRequest request) {
    String jobId = request.getJob().getId();
    AvailabilityResponse answer = state.offer(jobId, load());
    connection.send(WorkerMessage.newBuilder().setAvailability(answer).build());
    if (answer.getAvailable()) {
      timers.schedule(
          () -> state.assignmentTimedOut(jobId),
          ASSIGNMENT_TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS);
    } else {
      metrics.rejected();
      LOG.info("rejected job {}", jobId);
    }
  }

  private void assigned(JobAssignment assignment) {
    String jobId = assignment.getJob().getId();
    if (state.runs(jobId)) {
      // Found by AgentProtocolFuzzTest: a repeated assignment started the job a second time.
      LOG.warn("job {} assigned again while it runs; ignored", jobId);
      return;
    }
    if (!state.assigned(jobId)) {
      LOG.warn("assignment of job {} arrived but the worker cannot take it", jobId);
      sendJobStatus(jobId, JobStatus.JS_FAILED, "worker cannot take the job");
      return;
    }
    String url = assignment.hasUrl() ? assignment.getUrl() : config.url().toString();
    runner.start(
        new JobContext(assignment.getJob(), url, assignment.getToken(), new Cancellation()));
    LOG.info("job {} running in room {}", jobId, assignment.getJob().getRoom().getName());
    sendJobStatus(jobId, JobStatus.JS_RUNNING, "");
    sendStatus();
  }

  private void jobEnded(JobOutcome outcome) {
    (outcome.succeeded() ? succeeded : failed).incrementAndGet();
    LOG.info(
        "job {} {}{}",
        outcome.jobId(),
        outcome.succeeded() ? "succeeded" : "failed",
        outcome.succeeded() ? "" : ": " + outcome.error());
    sendJobStatus(
        outcome.jobId(),
        outcome.succeeded() ? JobStatus.JS_SUCCESS : JobStatus.JS_FAILED,
        outcome.error());
    state.finished(outcome.jobId());
    sendStatus();
  }

  private void tick() {
    try {
      lastCpu = cpu.sample();
      sendStatus();
    } catch (RuntimeException e) {
      LOG.warn("status report failed", e);
    }
  }

  private double load() {
    return config.loadFunction().apply(state.jobFraction(), lastCpu);
  }

  private void sendStatus() {
    connection.send(WorkerMessage.newBuilder().setUpdateWorker(state.status(load())).build());
  }

  private void sendJobStatus(String jobId, JobStatus status, String error) {
    UpdateJobStatus.Builder update = UpdateJobStatus.newBuilder().setJobId(jobId).setStatus(status);
    if (!error.isEmpty()) {
      update.setError(error);
    }
    if (!connection.send(WorkerMessage.newBuilder().setUpdateJob(update).build())) {
      LOG.warn("could not tell LiveKit that job {} is {}: not connected", jobId, status);
    }
  }

  private String workerToken() {
    AccessToken token = new AccessToken(config.apiKey(), config.apiSecret());
    token.addGrants(new io.livekit.server.Agent(true));
    return token.toJwt();
  }

  private RegisterWorkerRequest registration() {
    return RegisterWorkerRequest.newBuilder()
        .setType(config.jobType())
        .setAgentName(config.agentName())
        .setVersion(SDK_VERSION)
        .setAllowedPermissions(
            ParticipantPermission.newBuilder()
                .setCanSubscribe(true)
                .setCanPublish(true)
                .setCanPublishData(true)
                .setCanUpdateMetadata(true)
                .setAgent(true))
        .build();
  }
}
