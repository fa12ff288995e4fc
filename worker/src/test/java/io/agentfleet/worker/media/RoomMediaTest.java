package io.agentfleet.worker.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.controlplane.PrivateNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Audio both ways between callers and the Java worker's built-in agents, in a private network
 * namespace: every scenario of {@link MediaScenarios} through the devserver's relay, and its echo
 * call through the real {@code livekit-server} ({@link LiveKitEchoScenario}). Skipped with a
 * message where the namespace or the native library cannot be had. The build runs ten rooms at once
 * and a leak check after 50 calls ({@code media.rooms}, {@code media.calls} in the POM).
 */
class RoomMediaTest {

  @Test
  void callersHearTheAgentsAndTheAgentsHearTheCallers() throws Exception {
    assumeNamespace();
    String rooms = System.getProperty("media.rooms", "10");
    String calls = System.getProperty("media.calls", "50");
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            MediaScenarios.class, Duration.ofMinutes(6), PrivateNetwork.ADDRESS, rooms, calls);
    System.out.println(result.output());
    List<String> checks = result.output().lines().filter(l -> l.startsWith("CHECK ")).toList();
    assertThat(checks)
        .as("checks reported")
        .extracting(l -> l.split(" ")[1])
        .contains(
            "echo-audio",
            "echo-data",
            "echo-job-ends-when-caller-leaves",
            "webhooks-participants",
            "greeter-hello",
            "greeter-audio",
            "greeter-goodbye",
            "parrot-replays-after-silence",
            "concurrent-0",
            "concurrent-" + (Integer.parseInt(rooms) - 1),
            "room-deleted-caller-leaves",
            "room-deleted-job-ends",
            "worker-released-media",
            "room-closes-after-departure-timeout",
            "participant-job-per-caller",
            "no-leak-after-" + calls + "-calls");
    assertThat(checks).allSatisfy(l -> assertThat(l).contains(" ok "));
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void aCallerHearsTheEchoAgentThroughTheRealLiveKitServer() throws Exception {
    assumeNamespace();
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            LiveKitEchoScenario.class, Duration.ofMinutes(3), PrivateNetwork.ADDRESS);
    System.out.println(result.output());
    List<String> checks = result.output().lines().filter(l -> l.startsWith("CHECK ")).toList();
    assertThat(checks)
        .as("checks reported")
        .extracting(l -> l.split(" ")[1])
        .contains(
            "echo-audio", "echo-data", "echo-job-ends-when-caller-leaves", "webhooks-participants");
    assertThat(checks).allSatisfy(l -> assertThat(l).contains(" ok "));
    assertThat(result.exitCode()).isZero();
  }

  private static void assumeNamespace() {
    Optional<String> why = PrivateNetwork.unavailable();
    if (why.isPresent()) {
      System.err.println("RoomMediaTest skipped: " + why.get());
    }
    assumeTrue(why.isEmpty(), () -> "media tests need a private network namespace: " + why.get());
  }
}
