package io.agentfleet.api.redispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The dispatch metadata of a re-dispatch: the original dispatch's metadata plus the attempt number,
 * under the key {@value #KEY}. An original that is a JSON object keeps its fields, so an agent that
 * parses its own metadata still finds them; any other original (plain text, empty) is carried as
 * the string {@code metadata} inside the resumption object.
 *
 * <pre>{@code
 * {"caller":"+4930...", "agentfleet.io/resumption": {"attempt": 1}}
 * {"agentfleet.io/resumption": {"attempt": 1, "metadata": "plain text"}}
 * }</pre>
 *
 * The operator counts a room's earlier attempts from these (its dispatches as the LiveKit server
 * lists them), so the record lives as long as the room and any operator replica finds it. The Java
 * worker reads it ({@code JobContext.resumption()}); the worker README shows Python and Node.
 *
 * @param attempt 1 for the first re-dispatch of a room, then 2, ...
 * @param originalMetadata the metadata of the dispatch that was lost
 */
public record Resumption(int attempt, String originalMetadata) {

  /** The key of the resumption object in the dispatch metadata. */
  public static final String KEY = "agentfleet.io/resumption";

  static final String ATTEMPT = "attempt";
  static final String METADATA = "metadata";

  private static final ObjectMapper JSON = new ObjectMapper();

  public Resumption {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
    originalMetadata = originalMetadata == null ? "" : originalMetadata;
  }

  /** The metadata to dispatch with. */
  public String toMetadata() {
    ObjectNode resumption = JSON.createObjectNode().put(ATTEMPT, attempt);
    ObjectNode root = originalObject(originalMetadata).orElse(null);
    if (root == null) {
      root = JSON.createObjectNode();
      resumption.put(METADATA, originalMetadata);
    }
    root.set(KEY, resumption);
    return root.toString();
  }

  /** The resumption a dispatch's metadata carries; empty for a first dispatch. */
  public static Optional<Resumption> parse(String metadata) {
    Optional<ObjectNode> root = originalObject(metadata);
    if (root.isEmpty() || !root.get().path(KEY).isObject()) {
      return Optional.empty();
    }
    ObjectNode fields = root.get();
    JsonNode resumption = fields.remove(KEY);
    JsonNode attempt = resumption.path(ATTEMPT);
    if (!attempt.canConvertToInt() || attempt.asInt() < 1) {
      return Optional.empty();
    }
    String original =
        resumption.path(METADATA).isTextual()
            ? resumption.get(METADATA).asText()
            : fields.isEmpty() ? "" : fields.toString();
    return Optional.of(new Resumption(attempt.asInt(), original));
  }

  private static Optional<ObjectNode> originalObject(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(metadata);
      return node != null && node.isObject()
          ? Optional.of((ObjectNode) node)
          : Optional.<ObjectNode>empty();
    } catch (JsonProcessingException notJson) {
      return Optional.empty();
    }
  }
}
