package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An {@code autoscaling/v1 Scale} view of a custom resource, through its CRD's replica paths. */
final class Scales {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Scales() {}

  static ObjectNode of(JsonNode object, ServedResource.ScalePaths paths) {
    ObjectNode scale = NODES.objectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    JsonNode meta = object.path("metadata");
    ObjectNode scaleMeta = scale.putObject("metadata");
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion"}) {
      if (meta.hasNonNull(field)) {
        scaleMeta.set(field, meta.get(field));
      }
    }
    if (meta.hasNonNull("creationTimestamp")) {
      scaleMeta.set("creationTimestamp", meta.get("creationTimestamp"));
    }
    scale.putObject("spec").put("replicas", at(object, paths.specReplicas()).asInt(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", at(object, paths.statusReplicas()).asInt(0));
    if (paths.labelSelector() != null && at(object, paths.labelSelector()).isTextual()) {
      status.put("selector", at(object, paths.labelSelector()).asText());
    }
    return scale;
  }

  /** A merge patch that sets the spec replica path, e.g. {@code {"spec":{"replicas":3}}}. */
  static ObjectNode replicaPatch(ServedResource.ScalePaths paths, int replicas) {
    String[] fields = paths.specReplicas().substring(1).split("\\.");
    ObjectNode root = NODES.objectNode();
    ObjectNode node = root;
    for (int i = 0; i < fields.length - 1; i++) {
      node = node.putObject(fields[i]);
    }
    node.put(fields[fields.length - 1], replicas);
    return root;
  }

  /** {@code .status.replicas} on a JSON tree; missing nodes for absent fields. */
  static JsonNode at(JsonNode object, String jsonPath) {
    if (jsonPath == null || jsonPath.isEmpty()) {
      return NODES.missingNode();
    }
    JsonNode node = object;
    for (String field : jsonPath.substring(1).split("\\.")) {
      node = node.path(field);
    }
    return node;
  }
}
