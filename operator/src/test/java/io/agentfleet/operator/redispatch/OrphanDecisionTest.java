package io.agentfleet.operator.redispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.redispatch.Resumption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import livekit.LivekitModels.DisconnectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OrphanDecisionTest {

  static final Instant T0 = Instant.parse("2026-12-03T20:00:00Z");
  static final Instant LOST = T0.plusSeconds(60);
  static final Instant NOW = LOST.plusSeconds(2);
  static final OrphanDecision.Policy ON = new OrphanDecision.Policy(true, "voice", 2);

  static final DispatchFact ORIGINAL =
      new DispatchFact("AD_1", "voice", "{\"caller\":\"+4930\"}", T0);

  static RoomFacts lost(DisconnectReason reason) {
    return new RoomFacts(
        "call-1",
        Set.of("caller"),
        Set.of(),
        Optional.of(new AgentDeparture("agent-AJ_1", LOST, reason)),
        false);
  }

  static DispatchFact attempt(int n, Instant created) {
    return new DispatchFact(
        "AD_r" + n, "voice", new Resumption(n, "{\"caller\":\"+4930\"}").toMetadata(), created);
  }

  static Verdict judge(RoomFacts room, List<WorkerDeath> deaths, List<DispatchFact> dispatches) {
    return OrphanDecision.judge(ON, room, deaths, dispatches, NOW);
  }

  static Stream<Arguments> leftAlone() {
    RoomFacts lost = lost(DisconnectReason.SIGNAL_CLOSE);
    List<DispatchFact> original = List.of(ORIGINAL);
    return Stream.of(
        Arguments.of(
            "the room finished (a normal end)",
            new RoomFacts("call-1", Set.of("caller"), Set.of(), lost.lastDeparture(), true),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "the room finished"),
        Arguments.of(
            "no agent ever left",
            new RoomFacts(
                "call-1", Set.of("caller"), Set.of("agent-AJ_1"), Optional.empty(), false),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "no agent left the room"),
        Arguments.of(
            "an agent is back in the room",
            new RoomFacts(
                "call-1", Set.of("caller"), Set.of("agent-AJ_2"), lost.lastDeparture(), false),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "an agent is in the room"),
        Arguments.of(
            "the caller is already gone",
            new RoomFacts("call-1", Set.of(), Set.of(), lost.lastDeparture(), false),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "no caller is left"),
        Arguments.of(
            "the agent left on purpose",
            lost(DisconnectReason.CLIENT_INITIATED),
            List.of(new WorkerDeath("w-1", LOST, false)),
            original,
            Verdict.Why.NOT_ORPHANED,
            "left on purpose (CLIENT_INITIATED)"),
        Arguments.of(
            "the agent was removed through the API",
            lost(DisconnectReason.PARTICIPANT_REMOVED),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "left on purpose (PARTICIPANT_REMOVED)"),
        Arguments.of(
            "the agent reported its own error",
            lost(DisconnectReason.AGENT_ERROR),
            List.of(),
            original,
            Verdict.Why.NOT_ORPHANED,
            "AGENT_ERROR"),
        Arguments.of(
            "its worker was drained (the drain timeout killed it)",
            lost,
            List.of(new WorkerDeath("w-1", LOST.plusSeconds(1), true)),
            original,
            Verdict.Why.NOT_ORPHANED,
            "drained (w-1)"),
        Arguments.of(
            "no reason given and no worker died",
            lost(DisconnectReason.UNKNOWN_REASON),
            List.of(new WorkerDeath("w-1", LOST.minusSeconds(120), false)),
            original,
            Verdict.Why.NOT_ORPHANED,
            "no worker died"),
        Arguments.of("lost too long ago", lost, List.of(), original, null, null),
        Arguments.of(
            "another deployment's call",
            lost,
            List.of(),
            List.of(new DispatchFact("AD_9", "other-agent", "", T0)),
            Verdict.Why.NOT_OURS,
            "no dispatch of agent voice"),
        Arguments.of(
            "re-dispatched already, waiting for its agent",
            lost,
            List.of(),
            List.of(ORIGINAL, attempt(1, LOST.plusMillis(800))),
            Verdict.Why.PENDING,
            "(attempt 1) was made after the agent was lost"),
        Arguments.of(
            "re-offered by the placement watch, still waiting",
            lost,
            List.of(),
            List.of(attempt(1, LOST.plusSeconds(9))),
            Verdict.Why.PENDING,
            "AD_r1"),
        Arguments.of(
            "attempts exhausted",
            lost,
            List.of(),
            List.of(ORIGINAL, attempt(1, LOST.minusSeconds(30)), attempt(2, LOST.minusSeconds(10))),
            Verdict.Why.EXHAUSTED,
            "2 of 2 attempts made"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leftAlone")
  void leavesTheRoomAlone(
      String description,
      RoomFacts room,
      List<WorkerDeath> deaths,
      List<DispatchFact> dispatches,
      Verdict.Why why,
      String reason) {
    Instant now = why == null ? LOST.plus(OrphanDecision.STALE).plusSeconds(1) : NOW;
    Verdict verdict = OrphanDecision.judge(ON, room, deaths, dispatches, now);

    assertThat(verdict).isInstanceOf(Verdict.Leave.class);
    Verdict.Leave leave = (Verdict.Leave) verdict;
    assertThat(leave.why()).isEqualTo(why == null ? Verdict.Why.NOT_ORPHANED : why);
    assertThat(leave.reason()).contains(reason == null ? "more than 10 min ago" : reason);
  }

  @Test
  void aConnectionThatClosedWithItsProcessIsRedispatchedWithTheOriginalMetadata() {
    Verdict verdict = judge(lost(DisconnectReason.SIGNAL_CLOSE), List.of(), List.of(ORIGINAL));

    assertThat(verdict).isInstanceOf(Verdict.Redispatch.class);
    Verdict.Redispatch r = (Verdict.Redispatch) verdict;
    assertThat(r.attempt()).isEqualTo(1);
    assertThat(Resumption.parse(r.metadata()))
        .contains(new Resumption(1, "{\"caller\":\"+4930\"}"));
    assertThat(r.reason())
        .contains("agent agent-AJ_1 lost (SIGNAL_CLOSE)")
        .contains("call-1")
        .contains("attempt 1 of 2");
  }

  @Test
  void aSecondLossIsTheSecondAttemptStillCarryingTheFirstDispatchsMetadata() {
    RoomFacts again = lost(DisconnectReason.CONNECTION_TIMEOUT);
    Verdict verdict = judge(again, List.of(), List.of(ORIGINAL, attempt(1, LOST.minusSeconds(40))));

    assertThat(verdict).isInstanceOf(Verdict.Redispatch.class);
    assertThat(Resumption.parse(((Verdict.Redispatch) verdict).metadata()))
        .contains(new Resumption(2, "{\"caller\":\"+4930\"}"));
  }

  @Test
  void withoutTheOriginalListedTheLastAttemptCarriesItsMetadata() {
    Verdict verdict =
        judge(lost(DisconnectReason.SIGNAL_CLOSE), List.of(), List.of(attempt(1, T0)));

    assertThat(Resumption.parse(((Verdict.Redispatch) verdict).metadata()))
        .contains(new Resumption(2, "{\"caller\":\"+4930\"}"));
  }

  @Test
  void noReasonGivenCountsWhenAWorkerDiedNearTheDeparture() {
    Verdict verdict =
        judge(
            lost(DisconnectReason.UNKNOWN_REASON),
            List.of(
                new WorkerDeath("w-drained", LOST.minusSeconds(3), true),
                new WorkerDeath("w-killed", LOST.minusSeconds(5), false)),
            List.of(ORIGINAL));

    assertThat(verdict).isInstanceOf(Verdict.Redispatch.class);
    assertThat(verdict.reason()).contains("worker pod w-killed died");
  }

  @Test
  void aWorkerDeathOutsideTheWindowSaysNothing() {
    Instant far = LOST.minus(OrphanDecision.DEATH_WINDOW).minusMillis(1);
    assertThat(
            judge(
                lost(DisconnectReason.SIGNAL_CLOSE),
                List.of(new WorkerDeath("w-old", far, true)),
                List.of(ORIGINAL)))
        .isInstanceOf(Verdict.Redispatch.class);
  }

  @Test
  void withRedispatchOffNothingIsEverDispatched() {
    OrphanDecision.Policy off = new OrphanDecision.Policy(false, "voice", 2);
    for (DisconnectReason reason : DisconnectReason.values()) {
      if (reason == DisconnectReason.UNRECOGNIZED) {
        continue;
      }
      Verdict verdict =
          OrphanDecision.judge(
              off,
              lost(reason),
              List.of(new WorkerDeath("w-1", LOST, false)),
              List.of(ORIGINAL),
              NOW);
      assertThat(verdict)
          .isEqualTo(new Verdict.Leave("call-1", Verdict.Why.DISABLED, "spec.redispatch is off"));
    }
  }

  /** Every reason the protocol knows is either intentional or abnormal, or unknown by name. */
  @ParameterizedTest
  @EnumSource(DisconnectReason.class)
  void everyDisconnectReasonIsClassified(DisconnectReason reason) {
    if (reason == DisconnectReason.UNRECOGNIZED || reason == DisconnectReason.UNKNOWN_REASON) {
      return;
    }
    assertThat(
            OrphanDecision.INTENTIONAL.contains(reason) ^ OrphanDecision.ABNORMAL.contains(reason))
        .as(reason.name())
        .isTrue();
    Verdict verdict = judge(lost(reason), List.of(), List.of(ORIGINAL));
    assertThat(verdict instanceof Verdict.Redispatch)
        .as(reason.name())
        .isEqualTo(OrphanDecision.ABNORMAL.contains(reason));
  }

  /**
   * The whole life of one call, judged round after round as the shell would: one attempt per loss,
   * never two for the same loss, none past the bound.
   */
  @Test
  void repeatedRoundsNeverDispatchTwiceForOneLoss() {
    List<DispatchFact> dispatches = new ArrayList<>(List.of(ORIGINAL));
    int made = 0;
    Instant lostAt = LOST;
    for (int loss = 1; loss <= 4; loss++) {
      RoomFacts room =
          new RoomFacts(
              "call-1",
              Set.of("caller"),
              Set.of(),
              Optional.of(
                  new AgentDeparture("agent-" + loss, lostAt, DisconnectReason.SIGNAL_CLOSE)),
              false);
      for (int round = 0; round < 5; round++) {
        Instant now = lostAt.plus(Duration.ofMillis(300L * round));
        Verdict verdict = OrphanDecision.judge(ON, room, List.of(), dispatches, now);
        if (verdict instanceof Verdict.Redispatch r) {
          made++;
          dispatches.add(new DispatchFact("AD_r" + made, "voice", r.metadata(), now.plusMillis(5)));
        }
      }
      lostAt = lostAt.plusSeconds(60);
    }
    assertThat(made).isEqualTo(ON.maxAttempts());
    assertThat(dispatches.stream().flatMap(d -> d.resumption().stream()).map(Resumption::attempt))
        .containsExactly(1, 2);
  }

  @Test
  void classificationsDoNotOverlap() {
    EnumSet<DisconnectReason> both = EnumSet.copyOf(OrphanDecision.INTENTIONAL);
    both.retainAll(OrphanDecision.ABNORMAL);
    assertThat(both).isEmpty();
  }
}
