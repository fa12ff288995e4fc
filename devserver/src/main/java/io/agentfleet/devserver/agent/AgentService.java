package io.agentfleet.devserver.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import livekit.LivekitModels.ServerInfo;

/** What every {@link AgentSocket} shares: the worker pool, the job launcher and timers. */
public final class AgentService {
  /** The agent protocol version the OSS server speaks ({@code CurrentProtocol}). */
  public static final int AGENT_PROTOCOL = 1;

  private final WorkerPool pool;
  private final JobLauncher launcher;
  private final ScheduledExecutorService timers;
  private final Clock clock;
  private final Duration registrationTimeout;
  private final ServerInfo serverInfo;

  public AgentService(
      WorkerPool pool,
      JobLauncher launcher,
      ScheduledExecutorService timers,
      Clock clock,
      Duration registrationTimeout,
      ServerInfo serverInfo) {
    this.pool = pool;
    this.launcher = launcher;
    this.timers = timers;
    this.clock = clock;
    this.registrationTimeout = registrationTimeout;
    this.serverInfo = serverInfo;
  }

  public AgentSocket newSocket(String apiKey) {
    return new AgentSocket(this, apiKey);
  }

  public WorkerPool pool() {
    return pool;
  }

  public JobLauncher launcher() {
    return launcher;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  Clock clock() {
    return clock;
  }

  Duration registrationTimeout() {
    return registrationTimeout;
  }

  ServerInfo serverInfo() {
    return serverInfo;
  }

  void registered(Worker worker) {
    pool.add(worker);
  }

  void closed(Worker worker) {
    pool.remove(worker);
    launcher.workerClosed(worker);
  }
}
