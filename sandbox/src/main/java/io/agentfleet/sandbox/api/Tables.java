package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side printing, as kubectl asks for it ({@code Accept: ...;as=Table}): pods get the columns
 * of {@code kubectl get pods}, custom resources their CRD's printer columns, anything else a name
 * and an age. Without this kubectl shows only NAME and AGE.
 */
final class Tables {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A column and how to read its cell from an object. */
  record Column(String name, String type, int priority, String jsonPath) {}

  static final List<Column> POD_COLUMNS =
      List.of(
          new Column("Name", "string", 0, ".metadata.name"),
          new Column("Ready", "string", 0, "ready"),
          new Column("Status", "string", 0, "status"),
          new Column("Restarts", "integer", 0, "restarts"),
          new Column("Age", "string", 0, ".metadata.creationTimestamp"),
          new Column("IP", "string", 1, ".status.podIP"),
          new Column("Node", "string", 1, ".spec.nodeName"));

  static final List<Column> EVENT_COLUMNS =
      List.of(
          new Column("Last Seen", "string", 0, "lastSeen"),
          new Column("Type", "string", 0, ".type"),
          new Column("Reason", "string", 0, ".reason"),
          new Column("Object", "string", 0, "object"),
          new Column("Message", "string", 0, ".message"),
          new Column("Name", "string", 1, ".metadata.name"));

  static final List<Column> DEFAULT_COLUMNS =
      List.of(
          new Column("Name", "string", 0, ".metadata.name"),
          new Column("Age", "string", 0, ".metadata.creationTimestamp"));

  private Tables() {}

  static List<Column> fromCrd(List<CustomResourceColumnDefinition> printerColumns) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", 0, ".metadata.name"));
    boolean age = false;
    for (CustomResourceColumnDefinition c : printerColumns) {
      boolean date = "date".equals(c.getType());
      age |= date && ".metadata.creationTimestamp".equals(c.getJsonPath());
      columns.add(
          new Column(
              c.getName(),
              date ? "string" : c.getType(),
              c.getPriority() == null ? 0 : c.getPriority(),
              c.getJsonPath()));
    }
    if (!age) {
      columns.add(new Column("Age", "string", 0, ".metadata.creationTimestamp"));
    }
    return columns;
  }

  /** A {@code meta.k8s.io/v1 Table} of a list response or of a single object. */
  static ObjectNode table(JsonNode response, List<Column> columns, Instant now) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (response.path("metadata").has("resourceVersion")) {
      meta.set("resourceVersion", response.path("metadata").get("resourceVersion"));
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column c : columns) {
      ObjectNode d = definitions.addObject();
      d.put("name", c.name());
      d.put("type", c.type());
      d.put("format", c.name().equals("Name") ? "name" : "");
      d.put("description", "");
      d.put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (response.has("items")) {
      response.path("items").forEach(objects::add);
    } else {
      objects.add(response);
    }
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.add(cell(object, c, now));
      }
      row.set("object", object);
    }
    return table;
  }

  private static JsonNode cell(JsonNode object, Column column, Instant now) {
    switch (column.jsonPath()) {
      case "ready" -> {
        JsonNode statuses = object.path("status").path("containerStatuses");
        int ready = 0;
        for (JsonNode s : statuses) {
          ready += s.path("ready").asBoolean() ? 1 : 0;
        }
        return NODES.textNode(ready + "/" + object.path("spec").path("containers").size());
      }
      case "status" -> {
        return NODES.textNode(podStatus(object));
      }
      case "lastSeen" -> {
        String last = object.path("lastTimestamp").asText("");
        return NODES.textNode(
            age(last.isEmpty() ? object.path("eventTime").asText("") : last, now));
      }
      case "object" -> {
        JsonNode involved = object.path("involvedObject");
        return NODES.textNode(
            involved.path("kind").asText("").toLowerCase(java.util.Locale.ROOT)
                + "/"
                + involved.path("name").asText(""));
      }
      case "restarts" -> {
        int restarts = 0;
        for (JsonNode s : object.path("status").path("containerStatuses")) {
          restarts += s.path("restartCount").asInt();
        }
        return NODES.numberNode(restarts);
      }
      default -> {
        JsonNode value = Scales.at(object, column.jsonPath());
        if (column.jsonPath().equals(".metadata.creationTimestamp")) {
          return NODES.textNode(age(value.asText(), now));
        }
        return value.isMissingNode() || value.isNull() ? NODES.textNode("") : value;
      }
    }
  }

  /** What {@code kubectl get pods} shows under STATUS. */
  static String podStatus(JsonNode pod) {
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      return "Terminating";
    }
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      JsonNode state = s.path("state");
      if (state.has("waiting") && state.path("waiting").hasNonNull("reason")) {
        return state.path("waiting").path("reason").asText();
      }
      if (state.has("terminated") && state.path("terminated").hasNonNull("reason")) {
        return state.path("terminated").path("reason").asText();
      }
    }
    String phase = pod.path("status").path("phase").asText("");
    return phase.isEmpty() ? "Pending" : phase;
  }

  /** kubectl's short ages: 42s, 5m12s, 3h, 2d4h. */
  static String age(String timestamp, Instant now) {
    Instant created;
    try {
      created = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
    long s = Math.max(0, Duration.between(created, now).toSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    }
    if (h < 48) {
      return h + "h";
    }
    long d = h / 24;
    return d < 8 ? d + "d" + (h % 24 == 0 ? "" : (h % 24) + "h") : d + "d";
  }
}
