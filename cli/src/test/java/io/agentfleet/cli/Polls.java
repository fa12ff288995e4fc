package io.agentfleet.cli;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.concurrent.TimeUnit;

/**
 * Lets a test change the AgentDeployment between two reads of {@code rollout status -w}, so every
 * state it writes is seen: the command polls, and two changes within one poll would be one.
 */
public final class Polls {

  private Polls() {}

  /** Forgets the requests so far. */
  public static void reset(KubernetesMockServer server) throws InterruptedException {
    while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // drain
    }
  }

  /** Waits for the next GET of the named AgentDeployment (at most a minute). */
  public static void next(KubernetesMockServer server, String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      var request = server.takeRequest(100, TimeUnit.MILLISECONDS);
      if (request != null
          && "GET".equals(request.getMethod())
          && request.getPath().endsWith("/agentdeployments/" + name)) {
        return;
      }
    }
    throw new AssertionError("rollout status -w did not read " + name + " within a minute");
  }
}
