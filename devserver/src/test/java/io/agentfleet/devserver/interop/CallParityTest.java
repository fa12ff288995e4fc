package io.agentfleet.devserver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.controlplane.PrivateNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CallScenario} on each server, in a private network namespace: the same calls, the same
 * webhooks. What it pins is what a call ledger built from webhooks relies on: the events, their
 * order, the agent participant's fields, the disconnect reason of a normal leave and of a killed
 * agent, and that a caller hears only what was sent to it. Skipped without root/unshare/libpulse0
 * or node/npm, like the worker's media tests.
 */
class CallParityTest {

  @ParameterizedTest(name = "[{0}]")
  @EnumSource(InteropServer.Kind.class)
  void aHoldJobsWebhooksAndWhatTheCallerHears(InteropServer.Kind kind) throws Exception {
    InteropServer.assumeSelected(kind);
    Optional<String> why = PrivateNetwork.unavailable().or(NodeProject::unavailable);
    why.ifPresent(w -> System.err.println("CallParityTest skipped: " + w));
    assumeTrue(why.isEmpty(), () -> why.get());
    NodeProject project = NodeProject.locate();
    project.install();
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            CallScenario.class,
            Duration.ofMinutes(4),
            kind.name(),
            PrivateNetwork.ADDRESS,
            project.dir().toString());
    String output = result.output();
    System.out.println(output);
    assertThat(result.exitCode()).as("scenario exit").isZero();

    // The caller hears its 440 Hz echoed and its data packet answered.
    JsonObject call =
        JsonParser.parseString(
                output
                    .lines()
                    .filter(l -> l.startsWith("RESULT "))
                    .findFirst()
                    .orElseThrow()
                    .substring("RESULT ".length()))
            .getAsJsonObject();
    assertThat(call.get("ok").getAsBoolean()).as("echo heard: %s", call).isTrue();
    // Nothing louder than the tone it sent (rms 7071): no mix of other audio leaked into its track.
    JsonArray overloud = call.getAsJsonArray("overloud");
    assertThat(overloud).as("frames louder than the tone sent").isEmpty();

    List<Hook> hooks =
        output.lines().filter(l -> l.startsWith("WEBHOOK ")).map(Hook::parse).toList();
    JsonObject listener =
        JsonParser.parseString(
                output
                    .lines()
                    .filter(l -> l.startsWith("LISTENER "))
                    .findFirst()
                    .orElseThrow()
                    .substring("LISTENER ".length()))
            .getAsJsonObject();
    assertThat(listener.getAsJsonArray("overloud")).as("listener: %s", listener).isEmpty();

    // A call that ends normally: the caller leaves, the agent ends its job and leaves.
    assertThat(hooks)
        .filteredOn(h -> h.room.equals("call-room") && !h.identity.startsWith("listener"))
        .extracting(Hook::label)
        .containsExactly(
            "room_started",
            "participant_joined agent",
            "track_published agent",
            "participant_joined caller",
            "track_published caller",
            "track_unpublished caller",
            "participant_left caller",
            "track_unpublished agent",
            "participant_left agent",
            "room_finished");
    // The agent's SIGKILL: the server notices by itself; the room closes by its empty timeout.
    assertThat(hooks)
        .filteredOn(h -> h.room.equals("kill-room"))
        .extracting(Hook::label)
        .containsExactly(
            "room_started",
            "participant_joined agent",
            "track_published agent",
            "track_unpublished agent",
            "participant_left agent",
            "room_finished");

    for (Hook h : hooks) {
      switch (h.event) {
        case "participant_joined", "participant_left" -> {
          boolean agent = h.identity.startsWith("agent-AJ_");
          assertThat(h.kind).as("%s", h).isEqualTo(agent ? "AGENT" : "STANDARD");
          assertThat(h.agentName).as("%s", h).isEqualTo(agent ? CallScenario.AGENT : "");
          assertThat(h.state)
              .as("%s", h)
              .isEqualTo(h.event.equals("participant_joined") ? "ACTIVE" : "DISCONNECTED");
          // Tracks are unpublished (and announced) before the participant leaves.
          assertThat(h.tracks).as("%s", h).isZero();
        }
        case "track_published", "track_unpublished" ->
            // Only sid and identity name the participant of a track event.
            assertThat(h.kind).as("%s", h).isEqualTo("STANDARD");
        default -> {
          // room events carry no participant
        }
      }
    }
    assertThat(left(hooks, "call-room").reason).isEqualTo("CLIENT_INITIATED");
    assertThat(left(hooks, "kill-room").reason).isEqualTo("CONNECTION_TIMEOUT");
    long killToLeft =
        Long.parseLong(
            output
                .lines()
                .filter(l -> l.startsWith("FACT kill-to-participant_left-ms "))
                .findFirst()
                .orElseThrow()
                .split(" ")[2]);
    // Both wait for the transport to time out (ICE) rather than take the dropped socket as a leave.
    assertThat(killToLeft).isGreaterThan(10_000);
  }

  private static Hook left(List<Hook> hooks, String room) {
    return hooks.stream()
        .filter(h -> h.room.equals(room) && h.event.equals("participant_left"))
        .filter(h -> h.identity.startsWith("agent-"))
        .findFirst()
        .orElseThrow();
  }

  /** One {@code WEBHOOK} line of the scenario. */
  record Hook(
      long ms,
      String event,
      String room,
      String identity,
      String kind,
      String state,
      String reason,
      String agentName,
      int tracks) {
    static Hook parse(String line) {
      String[] f = line.split(" ");
      return new Hook(
          Long.parseLong(f[1]),
          f[2],
          value(f[3]),
          value(f[4]),
          value(f[5]),
          value(f[6]),
          value(f[7]),
          value(f[8]),
          Integer.parseInt(value(f[9])));
    }

    private static String value(String field) {
      return field.substring(field.indexOf('=') + 1);
    }

    String label() {
      if (identity.isEmpty()) {
        return event;
      }
      return event + (identity.startsWith("agent-") ? " agent" : " caller");
    }
  }
}
