package io.agentfleet.worker.job;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job keeps open until its end has been reported to LiveKit, closed then in reverse order.
 * The room is the reason: when an agent leaves the room before the server has the job's end, the
 * real LiveKit server ends the job itself as failed ("agent worker left the room").
 */
public final class JobResources {
  private static final Logger LOG = LoggerFactory.getLogger(JobResources.class);

  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  public synchronized void closeAfterReport(AutoCloseable resource) {
    open.push(resource);
  }

  synchronized void closeAll() {
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        LOG.warn("closing a job's resource failed", e);
      }
    }
  }
}
