package io.agentfleet.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * A table printed the way kubectl prints one: upper-case headers, columns left-aligned and
 * separated by at least three spaces, no borders, no trailing spaces.
 */
public final class Table {

  private static final int GAP = 3;

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  public Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "expected " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(List.of(cells));
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Every line ends with a newline. */
  public String render() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths);
    rows.forEach(row -> line(out, row, widths));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(cells.get(i));
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cells.get(i).length() + GAP));
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
