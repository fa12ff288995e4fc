package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Field selectors ({@code involvedObject.name=x,type!=Normal}) evaluated on any field of the
 * object; the mock store knows only a few, and {@code kubectl describe} finds Events with them.
 */
final class FieldSelectors {
  private FieldSelectors() {}

  /** The decoded {@code fieldSelector} of a query string, or null. */
  static String fromQuery(String query) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      if (part.startsWith("fieldSelector=")) {
        return URLDecoder.decode(part.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The query without its field selector. */
  static String withoutSelector(String query) {
    StringBuilder kept = new StringBuilder();
    for (String part : query.split("&")) {
      if (!part.startsWith("fieldSelector=") && !part.isEmpty()) {
        kept.append(kept.length() == 0 ? "" : "&").append(part);
      }
    }
    return kept.toString();
  }

  static boolean matches(JsonNode object, String selector) {
    for (String term : selector.split(",")) {
      if (term.isBlank()) {
        continue;
      }
      boolean negate = term.contains("!=");
      String[] kv = negate ? term.split("!=", 2) : term.split("==?", 2);
      if (kv.length != 2) {
        continue;
      }
      JsonNode value = Scales.at(object, "." + kv[0].trim());
      String actual = value.isMissingNode() || value.isNull() ? "" : value.asText();
      if (actual.equals(kv[1].trim()) == negate) {
        return false;
      }
    }
    return true;
  }
}
