package io.agentfleet.sandbox.agents;

import io.agentfleet.sandbox.kubelet.ImageRule;
import io.agentfleet.sandbox.launcher.WorkerImage;
import java.nio.file.Path;
import java.util.Map;

/** The two LiveKit agent SDKs the examples are written on, with what the tests measured of them. */
public enum AgentSdk {
  /** examples/python-agent on livekit-agents 1.8.9. */
  PYTHON("tools/python-agent-env.sh", 0, 200, Map.of()) {
    @Override
    ImageRule rule(Path repoRoot) {
      return WorkerImage.pythonAgentRule(repoRoot);
    }
  },
  /** examples/node-agent on @livekit/agents 1.9.0. */
  // Debug logging, so its log says when the drain begins (it does so only at debug level).
  NODE("tools/node-agent-env.sh", 143, 503, Map.of("LOG_LEVEL", "debug")) {
    @Override
    ImageRule rule(Path repoRoot) {
      return WorkerImage.nodeAgentRule(repoRoot);
    }
  };

  final String envScript;

  /**
   * Exit code after a completed drain: livekit-agents exits 0; the @livekit/agents CLI ends with
   * {@code process.exit(143)} (128 + SIGTERM) even when every job finished.
   */
  final int drainedExitCode;

  /**
   * What {@code GET /} answers while the worker has no connection to LiveKit: livekit-agents says
   * 200 "OK" until it gives up reconnecting; @livekit/agents says 503 "not connected to livekit".
   */
  final int healthWhileUnconnected;

  /** Env the tests add to the pod's. */
  final Map<String, String> testEnv;

  AgentSdk(
      String envScript,
      int drainedExitCode,
      int healthWhileUnconnected,
      Map<String, String> testEnv) {
    this.envScript = envScript;
    this.drainedExitCode = drainedExitCode;
    this.healthWhileUnconnected = healthWhileUnconnected;
    this.testEnv = testEnv;
  }

  /** The sandbox's image rule that runs this SDK's example agent. */
  abstract ImageRule rule(Path repoRoot);

  String lower() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
