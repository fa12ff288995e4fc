package io.agentfleet.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsAreAsWideAsTheirWidestCellPlusThreeSpacesWithoutTrailingBlanks() {
    String table =
        new Table("NAME", "REVISION", "AGE")
            .row("a-long-name", "1", "5m")
            .row("b", "12", "")
            .render();

    assertThat(table)
        .isEqualTo(
            """
            NAME          REVISION   AGE
            a-long-name   1          5m
            b             12
            """);
  }

  @Test
  void headersAloneWhenThereAreNoRows() {
    Table table = new Table("A", "B");
    assertThat(table.isEmpty()).isTrue();
    assertThat(table.render()).isEqualTo("A   B\n");
  }

  @Test
  void aRowMustHaveOneCellPerColumn() {
    assertThatThrownBy(() -> new Table("A", "B").row("x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
