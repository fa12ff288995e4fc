package io.agentfleet.worker.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.controlplane.PrivateNetwork;
import io.agentfleet.devserver.interop.NodeProject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code @livekit/rtc-node} (the Rust client SDK, as under Python {@code livekit-rtc}) joins a
 * devserver room with its token as {@code Authorization: Bearer}, falls back from {@code /rtc/v1}
 * to {@code /rtc}, publishes a 440 Hz sine and hears the Java echo agent; a data packet comes back.
 * Runs in a private network namespace ({@link RtcNodeScenario}); skipped like {@link
 * RoomMediaTest}, and without node/npm or with {@code -Dinterop.skip=true}.
 */
class RtcNodeTest {

  @Test
  void rtcNodeHearsTheJavaEchoAgent() throws Exception {
    Optional<String> why = PrivateNetwork.unavailable().or(NodeProject::unavailable);
    why.ifPresent(w -> System.err.println("RtcNodeTest skipped: " + w));
    assumeTrue(why.isEmpty(), () -> why.get());
    NodeProject project = NodeProject.locate();
    project.install();
    PrivateNetwork.Result result =
        PrivateNetwork.runJava(
            RtcNodeScenario.class,
            Duration.ofMinutes(3),
            PrivateNetwork.ADDRESS,
            project.dir().toString());
    System.out.println(result.output());
    List<String> checks = result.output().lines().filter(l -> l.startsWith("CHECK ")).toList();
    assertThat(checks).extracting(l -> l.split(" ")[1]).contains("rtc-node-hears-java-echo");
    assertThat(checks).allSatisfy(l -> assertThat(l).contains(" ok "));
    assertThat(result.exitCode()).isZero();
  }
}
