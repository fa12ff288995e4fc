package io.agentfleet.worker.job;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Optional;

/**
 * This job resumes a call whose first agent was lost: the Agentfleet operator dispatched the agent
 * again after its worker died (AgentDeployment {@code spec.redispatch}). The operator writes the
 * format ({@code io.agentfleet.api.redispatch.Resumption} in the crds module): the original
 * metadata's fields plus {@value #KEY}{@code : {"attempt": n}} when the original was a JSON object,
 * else {@value #KEY}{@code : {"attempt": n, "metadata": "<original>"}}.
 *
 * <p>What the lost agent knew (the conversation so far, its state) died with its process; an agent
 * that wants to carry on must keep that elsewhere (room metadata, participant attributes, a store)
 * and read it back here.
 *
 * @param attempt 1 for the first re-dispatch of the room, then 2, ...
 * @param originalMetadata the metadata of the dispatch that was lost
 */
public record Resumption(int attempt, String originalMetadata) {

  /** The key the operator writes; the same as the crds module's. */
  public static final String KEY = "agentfleet.io/resumption";

  /** The resumption a job's metadata carries; empty for a first dispatch. */
  public static Optional<Resumption> of(String metadata) {
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(metadata == null ? "" : metadata);
      if (parsed == null || !parsed.isJsonObject()) {
        return Optional.empty();
      }
      root = parsed.getAsJsonObject().deepCopy();
    } catch (RuntimeException notJson) {
      return Optional.empty();
    }
    if (!root.has(KEY) || !root.get(KEY).isJsonObject()) {
      return Optional.empty();
    }
    JsonObject resumption = root.remove(KEY).getAsJsonObject();
    int attempt;
    try {
      attempt = resumption.has("attempt") ? resumption.get("attempt").getAsInt() : 0;
    } catch (RuntimeException wrongType) {
      return Optional.empty();
    }
    if (attempt < 1) {
      return Optional.empty();
    }
    JsonElement wrapped = resumption.get("metadata");
    String original =
        wrapped != null && wrapped.isJsonPrimitive() && wrapped.getAsJsonPrimitive().isString()
            ? wrapped.getAsString()
            : root.size() == 0 ? "" : root.toString();
    return Optional.of(new Resumption(attempt, original));
  }
}
