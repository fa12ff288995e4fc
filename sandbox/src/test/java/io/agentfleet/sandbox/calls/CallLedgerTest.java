package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallLedgerTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void mediaColumnBeforeTheOutcomeWhichStaysLast(@TempDir Path dir) throws Exception {
    CallLedger ledger = new CallLedger(Clock.fixed(T0, ZoneOffset.UTC));
    ledger.dispatched(CallRecord.dispatched("call-1", "AD_1", "a", Duration.ofSeconds(5), T0));
    ledger.dispatched(CallRecord.dispatched("call-2", "AD_2", "a", Duration.ofSeconds(5), T0));
    ledger.media("AD_2", MediaResult.inCall(350));
    ledger.media("AD_2", new MediaResult(350, 350, 420, 700, null, true));
    ledger.close();
    Path csv = dir.resolve("calls.csv");
    ledger.write(csv);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0))
        .isEqualTo(
            "room,dispatch_id,agent,length_s,dispatched_at,joined_at,ended_at,worker_id,join_ms,media,"
                + "agent_gap_ms,outcome");
    assertThat(lines.get(1)).endsWith(",,,,,,NEVER_PLACED").startsWith("call-1,");
    assertThat(lines.get(2))
        .endsWith(",sent 350Hz heard 350Hz loud 420 delay 700ms,,NEVER_PLACED")
        .startsWith("call-2,");
    assertThat(lines).allMatch(l -> l.split(",", -1).length == 12);
  }

  @Test
  void aPlacementLoggedBeforeItsDispatchReturnedIsAppliedWhenTheDispatchIsRecorded() {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    ledger.observe(List.of(JobEvent.placed("call-1", "AJ_1", "AW_7", T0.plusMillis(300))));
    ledger.dispatched(CallRecord.dispatched("call-1", "AD_1", "a", Duration.ofSeconds(5), T0));
    assertThat(ledger.records().get(0).outcome()).isEqualTo(CallOutcome.IN_CALL);
    ledger.observe(List.of(JobEvent.ended("AJ_1", JobEvent.End.SUCCESS, T0.plusSeconds(6))));
    assertThat(ledger.records().get(0))
        .extracting(CallRecord::outcome, CallRecord::workerId)
        .containsExactly(CallOutcome.COMPLETED, "AW_7");
    assertThat(ledger.counts()).containsEntry(CallOutcome.COMPLETED, 1);
  }

  @Test
  void aLostWorkerDropsOnlyTheCallsStillOnIt() {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    for (int i = 1; i <= 3; i++) {
      ledger.dispatched(
          CallRecord.dispatched("call-" + i, "AD_" + i, "a", Duration.ofSeconds(30), T0));
    }
    ledger.observe(
        List.of(
            JobEvent.placed("call-1", "AJ_1", "AW_1", T0.plusSeconds(1)),
            JobEvent.placed("call-2", "AJ_2", "AW_1", T0.plusSeconds(1)),
            JobEvent.placed("call-3", "AJ_3", "AW_2", T0.plusSeconds(1)),
            JobEvent.ended("AJ_1", JobEvent.End.SUCCESS, T0.plusSeconds(31)),
            JobEvent.workerGone("AW_1", T0.plusSeconds(32))));
    assertThat(ledger.records())
        .extracting(CallRecord::outcome)
        .containsExactly(CallOutcome.COMPLETED, CallOutcome.DROPPED, CallOutcome.IN_CALL);
  }

  @Test
  void aDroppedCallThatGetsANewAgentGoesOnAndTheLedgerSaysHowLongItHadNone(@TempDir Path dir)
      throws Exception {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    ledger.dispatched(CallRecord.dispatched("call-1", "AD_1", "a", Duration.ofSeconds(30), T0));
    ledger.dispatched(CallRecord.dispatched("call-2", "AD_2", "a", Duration.ofSeconds(30), T0));
    ledger.observe(
        List.of(
            JobEvent.placed("call-1", "AJ_1", "AW_1", T0.plusSeconds(1)),
            JobEvent.placed("call-2", "AJ_2", "AW_1", T0.plusSeconds(1)),
            JobEvent.workerGone("AW_1", T0.plusSeconds(10)),
            // Dispatched again by the operator: a new job in the same room, on another worker.
            JobEvent.placed("call-1", "AJ_3", "AW_2", T0.plusMillis(11_500)),
            JobEvent.ended("AJ_3", JobEvent.End.SUCCESS, T0.plusSeconds(45))));
    assertThat(ledger.records())
        .extracting(CallRecord::outcome, CallRecord::workerId, CallRecord::agentGap)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                CallOutcome.COMPLETED, "AW_2", Duration.ofMillis(1500)),
            org.assertj.core.groups.Tuple.tuple(CallOutcome.DROPPED, "AW_1", null));
    Path csv = dir.resolve("calls.csv");
    ledger.write(csv);
    assertThat(Files.readAllLines(csv).get(1)).endsWith(",1500,COMPLETED");
  }

  @Test
  void theLostJobEndingLaterDoesNotEndTheCallItsNewAgentCarries() {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    ledger.dispatched(CallRecord.dispatched("call-1", "AD_1", "a", Duration.ofSeconds(30), T0));
    ledger.observe(
        List.of(
            JobEvent.placed("call-1", "AJ_1", "AW_1", T0.plusSeconds(1)),
            JobEvent.workerGone("AW_1", T0.plusSeconds(10)),
            JobEvent.placed("call-1", "AJ_2", "AW_2", T0.plusSeconds(11)),
            // livekit-server closes the lost job when the room ends, as a success.
            JobEvent.ended("AJ_1", JobEvent.End.SUCCESS, T0.plusSeconds(31))));
    assertThat(ledger.records().get(0).outcome()).isEqualTo(CallOutcome.IN_CALL);
    ledger.observe(List.of(JobEvent.workerGone("AW_2", T0.plusSeconds(32))));
    assertThat(ledger.records().get(0).outcome()).isEqualTo(CallOutcome.DROPPED);
  }

  @Test
  void joinLatencyColumn(@TempDir Path dir) throws Exception {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    ledger.dispatched(CallRecord.dispatched("call-1", "AD_1", "a", Duration.ofSeconds(5), T0));
    ledger.observe(List.of(JobEvent.placed("call-1", "AJ_1", "AW_1", T0.plusMillis(1250))));
    Path csv = dir.resolve("calls.csv");
    ledger.write(csv);
    assertThat(Files.readAllLines(csv).get(1).split(",", -1)[8]).isEqualTo("1250");
  }

  @Test
  void tallyOfMediaCalls() {
    CallLedger ledger = new CallLedger(Clock.systemUTC());
    ledger.media("AD_1", MediaResult.inCall(300));
    ledger.media("AD_2", new MediaResult(350, 350, 420, 700, null, true));
    ledger.media("AD_3", new MediaResult(400, 0, 0, -1, null, true));
    ledger.media("AD_4", MediaResult.failed(450, "caller exited with 1 and no measurement"));
    assertThat(ledger.mediaTally()).isEqualTo(new CallLedger.MediaTally(1, 1, 2));
  }
}
