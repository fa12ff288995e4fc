package io.agentfleet.sandbox.kubelet;

import java.time.Instant;

/** What the kubelet knows about its one container, in the terms of a ContainerStatus. */
record ContainerView(
    String name, String image, State state, State lastState, boolean ready, int restartCount) {

  sealed interface State {}

  record Waiting(String reason, String message) implements State {}

  record Running(Instant startedAt) implements State {}

  record Terminated(int exitCode, String reason, Instant startedAt, Instant finishedAt)
      implements State {}
}
