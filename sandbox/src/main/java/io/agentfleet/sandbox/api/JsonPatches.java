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
