package io.agentfleet.cli.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.cli.Cluster;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The writes of the rollout commands, each one patch of only the fields the command owns, so a
 * concurrent change by the operator or another person to anything else is never overwritten.
 */
final class Patches {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Patches() {}

  /** A JSON merge patch built from a path and a value, e.g. spec.paused = true. */
  static String merge(JsonNode value, String... path) {
    JsonNode node = value;
    for (int i = path.length - 1; i >= 0; i--) {
      ObjectNode parent = JSON.objectNode();
      parent.set(path[i], node);
      node = parent;
    }
    return node.toString();
  }

  /**
   * A JSON patch that replaces spec.template whole: a merge patch would keep labels, env entries
   * and annotations that the old template lacks.
   */
  static String replaceTemplate(JsonNode template) {
    ObjectNode op = JSON.objectNode();
    op.put("op", "replace");
    op.put("path", "/spec/template");
    op.set("value", template);
    return JSON.arrayNode().add(op).toString();
  }

  static void applyMerge(Cluster cluster, String name, String patch) {
    cluster.deployment(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  static void applyJson(Cluster cluster, String name, String patch) {
    cluster.deployment(name).patch(PatchContext.of(PatchType.JSON), patch);
  }
}
