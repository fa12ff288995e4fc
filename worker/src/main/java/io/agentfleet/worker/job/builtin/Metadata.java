package io.agentfleet.worker.job.builtin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Dispatch metadata read as a JSON object; anything else reads as empty. */
record Metadata(JsonObject json) {

  static Metadata parse(String metadata) {
    try {
      JsonElement parsed = JsonParser.parseString(metadata == null ? "" : metadata);
      return new Metadata(parsed.isJsonObject() ? parsed.getAsJsonObject() : new JsonObject());
    } catch (RuntimeException notJson) {
      return new Metadata(new JsonObject());
    }
  }

  long number(String key, long otherwise) {
    try {
      return json.has(key) ? json.get(key).getAsLong() : otherwise;
    } catch (RuntimeException wrongType) {
      return otherwise;
    }
  }
}
