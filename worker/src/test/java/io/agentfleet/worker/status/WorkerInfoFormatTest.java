package io.agentfleet.worker.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /worker} must parse with the field names and JSON types Python livekit-agents serves. The
 * fixture is written from the reference document's list of {@code WorkerInfo} fields (§3.3).
 */
class WorkerInfoFormatTest {

  @Test
  void hasEveryPythonFieldWithTheSameJsonType() throws Exception {
    JsonObject python;
    try (InputStream in = getClass().getResourceAsStream("/livekit-agents-worker.json")) {
      python =
          JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
    JsonObject ours =
        new WorkerInfo(
                "my-agent",
                "JT_ROOM",
                1,
                0.25,
                "0.1.0",
                1,
                "AW_x",
                "WS_AVAILABLE",
                true,
                false,
                8,
                3,
                1)
            .toJson();

    for (Map.Entry<String, JsonElement> field : python.entrySet()) {
      assertThat(ours.has(field.getKey())).as("field %s", field.getKey()).isTrue();
      JsonElement mine = ours.get(field.getKey());
      assertThat(kind(mine)).as("type of %s", field.getKey()).isEqualTo(kind(field.getValue()));
    }
    assertThat(ours.get("agent_name").getAsString()).isEqualTo("my-agent");
    assertThat(ours.get("worker_type").getAsString()).isEqualTo("JT_ROOM");
    assertThat(ours.get("active_jobs").getAsDouble()).isEqualTo(1.0);
    assertThat(ours.get("worker_load").getAsDouble()).isEqualTo(0.25);
    assertThat(ours.get("protocol_version").getAsInt()).isEqualTo(1);
  }

  @Test
  void addsAgentfleetFields() {
    JsonObject ours =
        new WorkerInfo("", "JT_ROOM", 0, 0, "0.1.0", 1, "AW_x", "WS_FULL", true, true, 8, 3, 1)
            .toJson();

    assertThat(ours.keySet())
        .contains("worker_id", "status", "draining", "max_jobs", "jobs_succeeded", "jobs_failed");
    assertThat(ours.get("draining").getAsBoolean()).isTrue();
    assertThat(ours.get("jobs_succeeded").getAsLong()).isEqualTo(3);
  }

  private static String kind(JsonElement e) {
    if (e.isJsonPrimitive()) {
      var p = e.getAsJsonPrimitive();
      return p.isNumber() ? "number" : p.isBoolean() ? "boolean" : "string";
    }
    return e.isJsonObject() ? "object" : e.isJsonArray() ? "array" : "null";
  }
}
