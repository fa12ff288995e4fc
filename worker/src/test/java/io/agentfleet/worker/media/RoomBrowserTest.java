package io.agentfleet.worker.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.controlplane.PrivateNetwork;
import io.agentfleet.devserver.interop.NodeProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The npm {@code livekit-client} SDK in headless Debian Chromium (fake microphone) joins a
 * devserver room, falls back from {@code /rtc/v1} to {@code /rtc}, publishes its microphone and
 * hears the Java echo agent (inbound audio bytes and energy from {@code getStats}); a data packet
 * goes to the agent and comes back. Runs in a private network namespace ({@link BrowserScenario}).
 * Skipped with a message without root/unshare/libpulse0, node/npm, or {@code /usr/bin/chromium}
 * (Debian package {@code chromium}; {@code CHROMIUM} names another binary), or with {@code
 * -Dinterop.skip=true}.
 */
class RoomBrowserTest {

  @Test
  void livekitClientInChromiumHearsTheJavaEchoAgent() throws Exception {
    Optional<String> why =
        PrivateNetwork.unavailable().or(NodeProject::unavailable).or(RoomBrowserTest::noChromium);
    why.ifPresent(w -> System.err.println("RoomBrowserTest skipped: " + w));
    assumeTrue(why.isEmpty(), () -> why.get());
    NodeProject project =
        NodeProject.at(Path.of(System.getProperty("agentfleet.browser.dir", "src/test/browser")));
    project.install();
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            BrowserScenario.class,
            Duration.ofMinutes(3),
            PrivateNetwork.ADDRESS,
            project.dir().toString());
    System.out.println(result.output());
    List<String> checks = result.output().lines().filter(l -> l.startsWith("CHECK ")).toList();
    assertThat(checks)
        .extracting(l -> l.split(" ")[1])
        .contains("browser-hears-java-echo", "browser-data-echo");
    assertThat(checks).allSatisfy(l -> assertThat(l).contains(" ok "));
    assertThat(result.exitCode()).isZero();
  }

  private static Optional<String> noChromium() {
    String binary = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    return Files.isExecutable(Path.of(binary))
        ? Optional.empty()
        : Optional.of(binary + " not found (Debian: apt-get install chromium)");
  }
}
