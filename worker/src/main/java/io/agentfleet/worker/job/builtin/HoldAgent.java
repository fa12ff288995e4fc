package io.agentfleet.worker.job.builtin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.JobContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Holds a job like a call of known length, with no room or media: tests and the sandbox use it to
 * create "calls" that last a given time.
 *
 * <p>Dispatch metadata (JSON, all optional): {@code hold_ms} how long the call lasts (absent: until
 * the job is terminated), {@code fail} true to end it as failed (at once unless {@code hold_ms}).
 * Non-JSON metadata is ignored.
 */
public final class HoldAgent implements Agent {

  /** What the dispatch asked for. */
  record Plan(Optional<Duration> hold, boolean fail) {}

  @Override
  public void run(JobContext context) throws Exception {
    Plan plan = plan(context.metadata());
    boolean cancelled =
        plan.hold().isPresent()
            ? context.cancellation().await(plan.hold().get())
            : awaitForever(context);
    if (plan.fail() && !cancelled) {
      throw new IllegalStateException("call failed as the dispatch asked");
    }
  }

  private static boolean awaitForever(JobContext context) throws InterruptedException {
    context.cancellation().await();
    return true;
  }

  static Plan plan(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return new Plan(Optional.empty(), false);
    }
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(metadata);
      if (!parsed.isJsonObject()) {
        return new Plan(Optional.empty(), false);
      }
      json = parsed.getAsJsonObject();
    } catch (RuntimeException notJson) {
      return new Plan(Optional.empty(), false);
    }
    boolean fail = json.has("fail") && json.get("fail").getAsBoolean();
    Optional<Duration> hold =
        json.has("hold_ms")
            ? Optional.of(Duration.ofMillis(Math.max(0, json.get("hold_ms").getAsLong())))
            : fail ? Optional.of(Duration.ZERO) : Optional.empty();
    return new Plan(hold, fail);
  }
}
