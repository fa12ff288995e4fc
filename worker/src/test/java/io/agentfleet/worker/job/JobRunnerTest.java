package io.agentfleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.Job;
import org.junit.jupiter.api.Test;

class JobRunnerTest {

  record Ended(JobOutcome outcome, boolean interruptedWhileReporting) {}

  @Test
  void anInterruptedJobIsReportedWithoutThePendingInterruptThatWouldStopTheReport()
      throws Exception {
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    JobRunner runner =
        new JobRunner(
            context -> {
              throw new InterruptedException();
            },
            1,
            outcome -> ended.complete(new Ended(outcome, Thread.currentThread().isInterrupted())));

    runner.start(context("AJ_1"));

    Ended end = ended.get(5, TimeUnit.SECONDS);
    assertThat(end.outcome()).isEqualTo(JobOutcome.failure("AJ_1", "interrupted"));
    assertThat(end.interruptedWhileReporting()).isFalse();
    runner.close();
  }

  @Test
  void anAgentThatSetsTheInterruptFlagStillHasItsSuccessReported() throws Exception {
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    JobRunner runner =
        new JobRunner(
            context -> Thread.currentThread().interrupt(),
            1,
            outcome -> ended.complete(new Ended(outcome, Thread.currentThread().isInterrupted())));

    runner.start(context("AJ_2"));

    Ended end = ended.get(5, TimeUnit.SECONDS);
    assertThat(end.outcome()).isEqualTo(JobOutcome.success("AJ_2"));
    assertThat(end.interruptedWhileReporting()).isFalse();
    assertThat(runner.activeJobs()).isZero();
    runner.close();
  }

  @Test
  void whatAJobKeepsOpenIsClosedOnlyAfterItsEndIsReported() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch closedTwice = new CountDownLatch(2);
    JobRunner runner =
        new JobRunner(
            context -> {
              context
                  .resources()
                  .closeAfterReport(
                      () -> {
                        events.add(context.jobId() + " left the room");
                        closedTwice.countDown();
                      });
              context.resources().closeAfterReport(() -> events.add(context.jobId() + " track"));
              if (context.jobId().equals("AJ_fails")) {
                throw new IllegalStateException("boom");
              }
            },
            1,
            outcome -> events.add(outcome.jobId() + " reported " + outcome.succeeded()));

    runner.start(context("AJ_ok"));
    runner.start(context("AJ_fails"));

    assertThat(closedTwice.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(events)
        .containsExactly(
            "AJ_ok reported true",
            "AJ_ok track",
            "AJ_ok left the room",
            "AJ_fails reported false",
            "AJ_fails track",
            "AJ_fails left the room");
    runner.close();
  }

  private static JobContext context(String id) {
    return new JobContext(
        Job.newBuilder().setId(id).build(), "ws://x", "token", new Cancellation());
  }
}
