package io.agentfleet.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

  @Test
  void equalTextsHaveNoDiff() {
    assertThat(UnifiedDiff.of("a", "x\ny\n", "b", "x\ny\n")).isEmpty();
  }

  @Test
  void aChangedLineWithThreeLinesOfContextEachSide() {
    String diff =
        UnifiedDiff.of(
            "revision 1", "1\n2\n3\n4\n5\n6\n7\n", "revision 2", "1\n2\n3\nX\n5\n6\n7\n");

    assertThat(diff)
        .isEqualTo(
            """
            --- revision 1
            +++ revision 2
            @@ -1,7 +1,7 @@
             1
             2
             3
            -4
            +X
             5
             6
             7
            """);
  }

  @Test
  void distantChangesMakeSeparateHunks() {
    String old = lines(1, 20);
    String changed = old.replace("\n2\n", "\ntwo\n").replace("\n18\n", "\neighteen\n");

    String diff = UnifiedDiff.of("a", old, "b", changed);

    assertThat(diff)
        .isEqualTo(
            """
            --- a
            +++ b
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -15,6 +15,6 @@
             15
             16
             17
            -18
            +eighteen
             19
             20
            """);
  }

  @Test
  void changesSixLinesApartShareAHunk() {
    String old = lines(1, 20);
    String changed = old.replace("\n5\n", "\nfive\n").replace("\n12\n", "\ntwelve\n");

    String diff = UnifiedDiff.of("a", old, "b", changed);

    assertThat(diff.lines().filter(l -> l.startsWith("@@"))).containsExactly("@@ -2,14 +2,14 @@");
  }

  @Test
  void insertionsAndDeletionsAtTheEdges() {
    assertThat(UnifiedDiff.of("a", "", "b", "new\n"))
        .isEqualTo("--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
    assertThat(UnifiedDiff.of("a", "x\ny\n", "b", "x\n"))
        .isEqualTo("--- a\n+++ b\n@@ -1,2 +1 @@\n x\n-y\n");
  }

  @Test
  void aFinalLineWithoutNewlineIsStillALine() {
    assertThat(UnifiedDiff.of("a", "x\ny", "b", "x\nz"))
        .isEqualTo("--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n");
  }

  private static String lines(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(String::valueOf)
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
