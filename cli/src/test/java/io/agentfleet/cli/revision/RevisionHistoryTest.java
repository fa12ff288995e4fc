package io.agentfleet.cli.revision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.cli.CommandFailure;
import io.agentfleet.cli.Fixtures;
import io.agentfleet.cli.output.OutputFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionHistoryTest {

  static Revision revision(long number, String hash, String rolledBack) {
    return new Revision(
        number, "voice-agent-" + hash, hash, null, rolledBack, null, TextNode.valueOf(hash));
  }

  // Stored out of order on purpose: the history sorts by number.
  static final RevisionHistory HISTORY =
      new RevisionHistory(
          "voice-agent",
          List.of(
              revision(4, "ddd", null),
              revision(1, "aaa", null),
              revision(3, "ccc", "crash-looped"),
              revision(2, "bbb", null)));

  @Test
  void sortedByNumber() {
    assertThat(HISTORY.revisions()).extracting(Revision::number).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void undoSkipsRevisionsThatWereRolledBack() {
    Revision current = HISTORY.number(4).orElseThrow();
    assertThat(HISTORY.undoTarget(current, 0).number()).isEqualTo(2);
  }

  @Test
  void undoGoesToTheRevisionBeforeTheCurrentOneEvenIfNewerOnesExist() {
    Revision current = HISTORY.number(2).orElseThrow();
    assertThat(HISTORY.undoTarget(current, 0).number()).isEqualTo(1);
  }

  @Test
  void undoToANamedRevisionTakesItWhateverItsState() {
    assertThat(HISTORY.undoTarget(null, 3).hash()).isEqualTo("ccc");
  }

  @Test
  void undoWithNothingEarlierOrNothingAtAllFails() {
    Revision first = HISTORY.number(1).orElseThrow();
    assertThatThrownBy(() -> HISTORY.undoTarget(first, 0))
        .isInstanceOf(CommandFailure.class)
        .hasMessage(
            "no earlier revision of agentdeployment \"voice-agent\" to roll back to (revisions: 1,"
                + " 2, 3, 4)");
    assertThatThrownBy(() -> new RevisionHistory("x", List.of()).undoTarget(null, 0))
        .hasMessage("no rollout history found for agentdeployment \"x\"");
    assertThatThrownBy(() -> HISTORY.undoTarget(first, 9))
        .hasMessageContaining("unable to find revision 9");
  }

  @Test
  void currentIsTheRevisionOfTheSpecTemplateThenTheStatusThenTheNewest() {
    assertThat(HISTORY.current(TextNode.valueOf("bbb"), "voice-agent-ccc"))
        .map(Revision::number)
        .contains(2L);
    assertThat(HISTORY.current(TextNode.valueOf("zzz"), "voice-agent-ccc"))
        .map(Revision::number)
        .contains(3L);
    assertThat(HISTORY.current(TextNode.valueOf("zzz"), null)).map(Revision::number).contains(4L);
  }

  @Test
  void beforeIsTheNextLowerNumber() {
    assertThat(HISTORY.before(HISTORY.number(3).orElseThrow())).map(Revision::number).contains(2L);
    assertThat(HISTORY.before(HISTORY.number(1).orElseThrow())).isEmpty();
  }

  @Test
  void readsAControllerRevisionAsTheOperatorWritesIt() {
    var stored =
        Fixtures.revision(5, "eee", Fixtures.template("agent:5"), "bump", "deadline missed");
    Revision r = RevisionHistory.revision(stored);

    assertThat(r.number()).isEqualTo(5);
    assertThat(r.name()).isEqualTo("voice-agent-eee");
    assertThat(r.hash()).isEqualTo("eee");
    assertThat(r.changeCause()).isEqualTo("bump");
    assertThat(r.rolledBack()).isEqualTo("deadline missed");
    JsonNode expected =
        OutputFormat.serialization().convertValue(Fixtures.template("agent:5"), JsonNode.class);
    assertThat(r.template()).isEqualTo(expected);
  }

  @Test
  void templatesFromTheModelAndFromTheServersJsonCompareEqual() {
    var model = Fixtures.template("agent:1");
    model.getSpec().setTerminationGracePeriodSeconds(3630L);
    var fromServer =
        OutputFormat.serialization()
            .unmarshal(OutputFormat.serialization().asJson(model), java.util.Map.class);

    assertThat(RevisionHistory.canonical(model)).isEqualTo(RevisionHistory.canonical(fromServer));
  }

  @Test
  void aRevisionWithoutDataHasNoTemplate() {
    var stored = Fixtures.revision(1, "aaa", Fixtures.template("x"), null, null);
    stored.setData(null);
    assertThat(RevisionHistory.revision(stored).template()).isNull();
  }
}
