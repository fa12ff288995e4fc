package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * A drained worker closes its socket only after LiveKit has heard how every job ended. If the
 * socket closes first, the server keeps the job RUNNING on a worker that is gone: to anyone
 * watching, a dropped call. The real server logs each end it applies ({@code job ended}); the
 * devserver records it in its job table.
 */
class DrainHandoverTest {

  @OnBothServers(repetitions = 3)
  void everyJobEndReachesTheServerBeforeTheWorkerCloses(TestFleet fleet) throws Exception {
    // Every call hangs up at the same instant, so the drain wakes while most of them are still
    // reporting their end.
    CountDownLatch hangUp = new CountDownLatch(1);
    AgentWorker worker = fleet.startWorker("drainer", b -> b.maxJobs(40), job -> hangUp.await());
    List<AgentDispatch> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(fleet.dispatch("room-" + i, "drainer", ""));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 30);

    CompletableFuture<Boolean> drain =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return worker.drain(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().draining());
    hangUp.countDown();
    boolean drained = drain.get(30, TimeUnit.SECONDS);
    worker.close(); // as the process does right after draining

    assertThat(drained).isTrue();
    for (AgentDispatch call : calls) {
      fleet.awaitServer(
          call.getRoom() + " end recorded",
          Duration.ofSeconds(10),
          () -> fleet.endOf(call).isPresent());
      assertThat(fleet.endOf(call).orElseThrow().getStatus())
          .as(call.getRoom())
          .isEqualTo(JobStatus.JS_SUCCESS);
    }
  }
}
