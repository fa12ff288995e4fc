package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CallRecordTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final CallRecord WAITING =
      CallRecord.dispatched("call-1", "AD_1", "agent", Duration.ofSeconds(10), T0);
  static final CallRecord IN_CALL = WAITING.observe(placedAt(1));

  static JobEvent placedAt(int second) {
    return JobEvent.placed("call-1", "AJ_1", "AW_1", T0.plusSeconds(second));
  }

  static JobEvent endedAt(int second, boolean succeeded) {
    return JobEvent.ended(
        "AJ_1", succeeded ? JobEvent.End.SUCCESS : JobEvent.End.FAILED, T0.plusSeconds(second));
  }

  static Stream<Arguments> events() {
    CallRecord lateInCall = WAITING.observe(placedAt(15));
    return Stream.of(
        Arguments.of("placed on a worker", WAITING, placedAt(0), CallOutcome.IN_CALL),
        Arguments.of("an end before any placement", WAITING, endedAt(3, true), CallOutcome.WAITING),
        Arguments.of("success after the length", IN_CALL, endedAt(11, true), CallOutcome.COMPLETED),
        Arguments.of(
            "success within the slack of the length",
            IN_CALL,
            endedAt(10, true),
            CallOutcome.COMPLETED),
        Arguments.of("success well before", IN_CALL, endedAt(4, true), CallOutcome.ENDED_EARLY),
        Arguments.of("failed by the agent", IN_CALL, endedAt(4, false), CallOutcome.FAILED),
        Arguments.of(
            "the agent left the room after the length (how the SDKs end a job)",
            IN_CALL,
            JobEvent.ended("AJ_1", JobEvent.End.AGENT_LEFT, T0.plusSeconds(11)),
            CallOutcome.COMPLETED),
        Arguments.of(
            "the agent left the room early",
            IN_CALL,
            JobEvent.ended("AJ_1", JobEvent.End.AGENT_LEFT, T0.plusSeconds(5)),
            CallOutcome.ENDED_EARLY),
        Arguments.of(
            "its worker went away mid-call",
            IN_CALL,
            JobEvent.workerGone("AW_1", T0.plusSeconds(5)),
            CallOutcome.DROPPED),
        Arguments.of(
            "placed 15 s after the dispatch, then completed",
            lateInCall,
            endedAt(26, true),
            CallOutcome.COMPLETED_LATE),
        Arguments.of(
            "placed late and lost is dropped",
            lateInCall,
            JobEvent.workerGone("AW_1", T0.plusSeconds(17)),
            CallOutcome.DROPPED),
        Arguments.of(
            "a worker that goes after the call's end drops nothing",
            IN_CALL.observe(endedAt(11, true)),
            JobEvent.workerGone("AW_1", T0.plusSeconds(12)),
            CallOutcome.COMPLETED),
        Arguments.of(
            "a second placement keeps the first",
            IN_CALL,
            JobEvent.placed("call-1", "AJ_2", "AW_2", T0.plusSeconds(5)),
            CallOutcome.IN_CALL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void outcome(String description, CallRecord before, JobEvent event, CallOutcome expected) {
    CallRecord after = before.observe(event);
    assertThat(after.outcome()).isEqualTo(expected);
    if (before.joinedAt() != null) {
      assertThat(after.joinedAt()).isEqualTo(before.joinedAt());
      assertThat(after.workerId()).isEqualTo(before.workerId());
    }
    if (expected.ended() && !before.outcome().ended()) {
      assertThat(after.endedAt()).isEqualTo(event.at());
    }
  }

  @Test
  void aDroppedCallGivenANewAgentGoesOnWithItsGapAndItsFirstJoin() {
    CallRecord dropped = IN_CALL.observe(JobEvent.workerGone("AW_1", T0.plusSeconds(5)));
    CallRecord resumed =
        dropped.observe(JobEvent.placed("call-1", "AJ_2", "AW_2", T0.plusSeconds(7)));
    assertThat(IN_CALL.agentGap()).isNull();
    assertThat(resumed.outcome()).isEqualTo(CallOutcome.IN_CALL);
    assertThat(resumed.agentGap()).isEqualTo(Duration.ofSeconds(2));
    assertThat(resumed.workerId()).isEqualTo("AW_2");
    assertThat(resumed.joinedAt()).isEqualTo(IN_CALL.joinedAt());
    assertThat(resumed.endedAt()).isNull();
    assertThat(
            resumed
                .observe(JobEvent.ended("AJ_2", JobEvent.End.SUCCESS, T0.plusSeconds(12)))
                .outcome())
        .isEqualTo(CallOutcome.COMPLETED);
    assertThat(resumed.observe(JobEvent.workerGone("AW_2", T0.plusSeconds(8))).outcome())
        .isEqualTo(CallOutcome.DROPPED);
  }

  @Test
  void joinLatencyIsFromTheDispatchToThePlacement() {
    assertThat(WAITING.joinLatency()).isNull();
    assertThat(IN_CALL.joinLatency()).isEqualTo(Duration.ofSeconds(1));
    assertThat(IN_CALL.workerId()).isEqualTo("AW_1");
  }

  @Test
  void aCallNobodyTookIsNeverPlacedAtTheEnd() {
    assertThat(WAITING.close().outcome()).isEqualTo(CallOutcome.NEVER_PLACED);
    assertThat(IN_CALL.close().outcome()).isEqualTo(CallOutcome.IN_CALL);
  }
}
