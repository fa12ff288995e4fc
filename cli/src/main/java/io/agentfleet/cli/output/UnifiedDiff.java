package io.agentfleet.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, as {@code diff -u} and {@code kubectl diff} print it:
 * {@code ---}/{@code +++} headers, then hunks with three lines of context.
 *
 * <p>Pod templates are a few hundred lines at most, so the plain quadratic longest-common-
 * subsequence table is fast enough and keeps this short; there is no diff library in the build.
 */
public final class UnifiedDiff {

  static final int CONTEXT = 3;

  private UnifiedDiff() {}

  private record Edit(char op, String line, int oldLine, int newLine) {}

  /** Empty when the texts are equal. */
  public static String of(String oldName, String oldText, String newName, String newText) {
    List<String> a = lines(oldText);
    List<String> b = lines(newText);
    List<Edit> edits = edits(a, b);
    if (edits.stream().allMatch(e -> e.op() == ' ')) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(oldName).append('\n');
    out.append("+++ ").append(newName).append('\n');
    int i = 0;
    while (i < edits.size()) {
      if (edits.get(i).op() == ' ') {
        i++;
        continue;
      }
      // A hunk starts CONTEXT lines before the first change and runs until a stretch of more
      // than 2 * CONTEXT unchanged lines (which would be the trailing and leading context of two
      // separate hunks).
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      int unchanged = 0;
      for (int j = i; j < edits.size(); j++) {
        if (edits.get(j).op() == ' ') {
          unchanged++;
          if (unchanged > 2 * CONTEXT) {
            break;
          }
        } else {
          unchanged = 0;
          end = j;
        }
      }
      int stop = Math.min(edits.size(), end + 1 + CONTEXT);
      hunk(out, edits.subList(start, stop));
      i = stop;
    }
    return out.toString();
  }

  private static void hunk(StringBuilder out, List<Edit> hunk) {
    int oldStart = -1;
    int newStart = -1;
    int oldCount = 0;
    int newCount = 0;
    for (Edit e : hunk) {
      if (e.op() != '+') {
        oldCount++;
        if (oldStart < 0) {
          oldStart = e.oldLine();
        }
      }
      if (e.op() != '-') {
        newCount++;
        if (newStart < 0) {
          newStart = e.newLine();
        }
      }
    }
    // diff -u numbers an empty side by the line before it.
    if (oldStart < 0) {
      oldStart = hunk.get(0).oldLine() - 1;
    }
    if (newStart < 0) {
      newStart = hunk.get(0).newLine() - 1;
    }
    out.append("@@ -")
        .append(range(oldStart, oldCount))
        .append(" +")
        .append(range(newStart, newCount))
        .append(" @@\n");
    for (Edit e : hunk) {
      out.append(e.op()).append(e.line()).append('\n');
    }
  }

  private static String range(int start, int count) {
    return count == 1 ? String.valueOf(start) : start + "," + count;
  }

  /** Line numbers are 1-based; for an insertion oldLine is the next old line, and vice versa. */
  private static List<Edit> edits(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Edit> edits = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        edits.add(new Edit(' ', a.get(i), i + 1, j + 1));
        i++;
        j++;
      } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] > lcs[i + 1][j])) {
        edits.add(new Edit('+', b.get(j), i + 1, j + 1));
        j++;
      } else {
        edits.add(new Edit('-', a.get(i), i + 1, j + 1));
        i++;
      }
    }
    return edits;
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (text.isEmpty() || text.endsWith("\n")) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }
}
