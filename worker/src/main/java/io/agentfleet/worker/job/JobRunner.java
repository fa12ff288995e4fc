package io.agentfleet.worker.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on a bounded pool, one thread per job, independent of the LiveKit connection so that
 * jobs survive a reconnect. Tells a listener when each job ends.
 */
public final class JobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final Agent agent;
  private final ExecutorService pool;
  private final Consumer<JobOutcome> onEnd;
  private final Map<String, Cancellation> active = new ConcurrentHashMap<>();

  public JobRunner(Agent agent, int maxJobs, Consumer<JobOutcome> onEnd) {
    this.agent = agent;
    this.onEnd = onEnd;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            maxJobs,
            maxJobs,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "job-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public void start(JobContext context) {
    active.put(context.jobId(), context.cancellation());
    pool.execute(() -> run(context));
  }

  private void run(JobContext context) {
    JobOutcome outcome;
    boolean interrupted = false;
    try {
      agent.run(context);
      outcome = JobOutcome.success(context.jobId());
    } catch (InterruptedException e) {
      interrupted = true;
      outcome = JobOutcome.failure(context.jobId(), "interrupted");
    } catch (Exception | Error e) {
      LOG.warn("job {} failed", context.jobId(), e);
      outcome = JobOutcome.failure(context.jobId(), String.valueOf(e.getMessage()));
    }
    // An interrupt still pending (thrown or merely set by the agent) would make the report of
    // the job's end fail to send: report first, then restore it for the pool.
    interrupted |= Thread.interrupted();
    active.remove(context.jobId());
    try {
      onEnd.accept(outcome);
    } finally {
      context.resources().closeAll();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Asks one job to stop; returns false if it is not running here. */
  public boolean cancel(String jobId, String reason) {
    Cancellation c = active.get(jobId);
    if (c == null) {
      return false;
    }
    c.cancel(reason);
    return true;
  }

  public void cancelAll(String reason) {
    active.values().forEach(c -> c.cancel(reason));
  }

  public int activeJobs() {
    return active.size();
  }

  @Override
  public void close() {
    cancelAll("worker closing");
    pool.shutdown();
  }
}
