package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Iterator;
import java.util.Map;

/** What an update will store, computed before the store applies it, so it can be validated. */
final class JsonPatches {

  static final String MERGE = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  static final String STRATEGIC = "application/strategic-merge-patch+json";
  static final String APPLY = "application/apply-patch+yaml";

  private JsonPatches() {}

  /** RFC 7386: objects merge key by key, null removes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  /**
   * Strategic merge patch as kubectl sends it for built-in kinds, closely enough for the fields
   * people apply: objects merge, lists of objects merge element by element on their merge key
   * ({@code name}, or {@code containerPort} for ports), other lists are replaced, {@code null}
   * deletes, and the {@code $}-directives kubectl adds are dropped.
   */
  static JsonNode strategicMerge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.startsWith("$")) {
        continue;
      }
      JsonNode current = result.get(key);
      if (value.isNull()) {
        result.remove(key);
      } else if (value.isArray() && current != null && current.isArray()) {
        result.set(key, mergeList(current, value));
      } else {
        result.set(key, strategicMerge(current, value));
      }
    }
    return result;
  }

  private static JsonNode mergeList(JsonNode current, JsonNode patch) {
    String mergeKey = mergeKey(patch);
    if (mergeKey == null || mergeKey(current) == null) {
      return patch.deepCopy();
    }
    var merged = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    java.util.Set<String> patched = new java.util.HashSet<>();
    for (JsonNode item : current) {
      String id = item.path(mergeKey).asText();
      JsonNode replacement = null;
      for (JsonNode p : patch) {
        if (p.path(mergeKey).asText().equals(id)) {
          replacement = p;
        }
      }
      if (replacement == null) {
        merged.add(item);
      } else if (!"delete".equals(replacement.path("$patch").asText())) {
        merged.add(strategicMerge(item, replacement));
      }
      patched.add(id);
    }
    for (JsonNode p : patch) {
      if (!patched.contains(p.path(mergeKey).asText())
          && !"delete".equals(p.path("$patch").asText())) {
        merged.add(strategicMerge(null, p));
      }
    }
    return merged;
  }

  private static String mergeKey(JsonNode list) {
    for (String key : new String[] {"name", "containerPort"}) {
      boolean all = list.size() > 0;
      for (JsonNode item : list) {
        all &= item.isObject() && item.has(key);
      }
      if (all) {
        return key;
      }
    }
    return null;
  }

  /** Nulls are absent fields to an API server's decoder; the store may keep them. */
  static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isNull()) {
                  copy.set(f.getKey(), withoutNulls(f.getValue()));
                }
              });
      return copy;
    }
    if (node.isArray()) {
      var copy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> copy.add(withoutNulls(item)));
      return copy;
    }
    return node;
  }

  /** RFC 6902 operations on a copy of the target. */
  static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
    return JsonPatch.apply(patch, target);
  }
}
