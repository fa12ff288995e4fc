package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentfleet.devserver.interop.NodeProject;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A dispatch made by the real Node livekit-server-sdk reaches the Java worker and completes. */
class NodeSdkInteropTest {
  private static NodeProject node;
  private TestFleet fleet;

  @BeforeAll
  static void installSdks() throws Exception {
    NodeProject.assumeAvailable();
    node = NodeProject.locate();
    node.install();
  }

  @BeforeEach
  void start() throws Exception {
    fleet = TestFleet.perTest();
  }

  @AfterEach
  void stop() throws Exception {
    fleet.close();
  }

  @Test
  void nodeSdkDispatchRunsOnTheJavaWorker() throws Exception {
    AgentWorker worker = fleet.startWorker("java-agent", b -> b);

    node.run(
        "sdk-flow.mjs",
        Map.of(
            "LIVEKIT_URL",
            fleet.server().httpUrl(),
            "LIVEKIT_API_KEY",
            TestFleet.KEY,
            "LIVEKIT_API_SECRET",
            TestFleet.SECRET,
            "ROOM",
            "node-made-room",
            "AGENT_NAME",
            "java-agent",
            "METADATA",
            "{\"hold_ms\": 200}"));

    await().atMost(Duration.ofSeconds(15)).until(() -> worker.info().jobsSucceeded() == 1);
    Job job =
        fleet.devServer().jobs().jobs().stream()
            .filter(j -> j.getAgentName().equals("java-agent"))
            .findFirst()
            .orElseThrow();
    assertThat(job.getRoom().getName()).isEqualTo("node-made-room");
    assertThat(job.getMetadata()).isEqualTo("{\"hold_ms\": 200}");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                fleet.devServer().jobs().job(job.getId()).orElseThrow().getState().getStatus()
                    == JobStatus.JS_SUCCESS);
  }
}
