package io.agentfleet.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The chart's Grafana dashboard and the metric names its queries read. */
final class Dashboard {

  /** A PromQL identifier that is not followed by "(" (a function) and is not a keyword. */
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$\"{.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w|\\s*\\()");

  private static final Set<String> NOT_METRICS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset");

  private Dashboard() {}

  static JsonNode load() throws IOException {
    return new ObjectMapper().readTree(Chart.dir().resolve("dashboards/agentfleet.json").toFile());
  }

  /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
  static List<String> queries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        queries.add(variable.path("query").asText());
      }
    }
    return queries;
  }

  /** The metric names the queries select, label names and grouping lists taken out. */
  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    for (String query : queries(dashboard)) {
      String stripped =
          query
              .replaceAll("\\{[^}]*}", "{}") // label matchers
              .replaceAll("\\[[^]]*]", "[]") // range selectors
              .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
              .replaceAll("\"[^\"]*\"", "\"\"");
      // label_values(metric, label): only the first argument is a metric
      stripped = stripped.replaceAll("label_values\\(([^,]*),[^)]*\\)", "$1");
      Matcher m = IDENTIFIER.matcher(stripped);
      while (m.find()) {
        String name = m.group(1);
        if (!NOT_METRICS.contains(name) && !name.matches("\\d.*")) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
