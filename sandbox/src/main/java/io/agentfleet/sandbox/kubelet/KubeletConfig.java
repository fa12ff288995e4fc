package io.agentfleet.sandbox.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * @param nodeName pods bound to this node, or to none, are run here
 * @param logDir one {@code <namespace>_<pod>.log} per pod, appended across restarts
 * @param images how images become processes; the first matching rule wins
 * @param backoff the crash-loop back-off
 * @param shutdownGrace how long {@link SimulatedKubelet#close()} waits after SIGTERM before killing
 */
public record KubeletConfig(
    String nodeName,
    Path logDir,
    List<ImageRule> images,
    RestartBackoff backoff,
    Duration shutdownGrace) {

  public KubeletConfig {
    images = List.copyOf(images);
  }
}
