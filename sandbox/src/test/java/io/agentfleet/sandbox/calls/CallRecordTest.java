package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CallRecordTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final CallRecord WAITING =
      CallRecord.dispatched("call-1", "AD_1", "agent", Duration.ofSeconds(10), T0);

  static DevServerState.JobView job(String status) {
    return new DevServerState.JobView("AJ_1", "AD_1", "call-1", status, "AW_1");
  }

  static Stream<Arguments> observations() {
    CallRecord inCall = WAITING.observe(job("JS_RUNNING"), true, T0.plusSeconds(1));
    return Stream.of(
        Arguments.of("no job yet: still waiting", WAITING, null, true, 1, CallOutcome.WAITING),
        Arguments.of(
            "running on a live worker", WAITING, job("JS_RUNNING"), true, 1, CallOutcome.IN_CALL),
        Arguments.of(
            "running, worker gone: dropped",
            inCall,
            job("JS_RUNNING"),
            false,
            5,
            CallOutcome.DROPPED),
        Arguments.of(
            "success after its length",
            inCall,
            job("JS_SUCCESS"),
            false,
            11,
            CallOutcome.COMPLETED),
        Arguments.of(
            "success well before its length",
            inCall,
            job("JS_SUCCESS"),
            true,
            4,
            CallOutcome.ENDED_EARLY),
        Arguments.of("failed by the agent", inCall, job("JS_FAILED"), true, 3, CallOutcome.FAILED),
        Arguments.of(
            "an ended call stays ended",
            inCall.observe(job("JS_SUCCESS"), true, T0.plusSeconds(11)),
            job("JS_RUNNING"),
            false,
            12,
            CallOutcome.COMPLETED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("observations")
  void outcome(
      String description,
      CallRecord before,
      DevServerState.JobView job,
      boolean workerAlive,
      int atSecond,
      CallOutcome expected) {
    assertThat(before.observe(job, workerAlive, T0.plusSeconds(atSecond)).outcome())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("observations")
  void joinTimeIsWhenTheAgentWasFirstSeen(
      String description,
      CallRecord before,
      DevServerState.JobView job,
      boolean workerAlive,
      int atSecond,
      CallOutcome expected) {
    CallRecord after = before.observe(job, workerAlive, T0.plusSeconds(atSecond));
    if (expected != CallOutcome.WAITING) {
      assertThat(after.joinedAt()).isBeforeOrEqualTo(T0.plusSeconds(atSecond));
      assertThat(after.workerId()).isEqualTo("AW_1");
    }
  }

  @org.junit.jupiter.api.Test
  void aCallNobodyTookIsNeverPlacedAtTheEnd() {
    assertThat(WAITING.close().outcome()).isEqualTo(CallOutcome.NEVER_PLACED);
    CallRecord inCall = WAITING.observe(job("JS_RUNNING"), true, T0);
    assertThat(inCall.close().outcome()).isEqualTo(CallOutcome.IN_CALL);
  }
}
