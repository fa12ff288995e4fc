package io.agentfleet.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashSet;
import java.util.Set;
import livekit.LivekitAgent.ServerMessage;

/**
 * A sequence of binary frames as the agent-protocol socket receives them, decoded as {@link
 * AgentConnection} decodes them and applied to a {@link WorkerState} as {@code AgentWorker} does.
 * Whatever the server sends, a frame is a message or {@link AgentConnection.MalformedFrame}, and
 * the worker never runs more than maxJobs jobs nor the same job twice at once. Seeds in {@code
 * AgentProtocolFuzzTestInputs/anyFrames} (each a length-prefixed sequence, see {@link #frames}).
 */
class AgentProtocolFuzzTest {

  static final int MAX_JOBS = 2;

  @FuzzTest(maxDuration = "30s")
  void anyFrames(FuzzedDataProvider data) {
    WorkerState state = new WorkerState("voice", MAX_JOBS, 0.7);
    Set<String> running = new HashSet<>();
    for (byte[] frame : frames(data)) {
      ServerMessage message;
      try {
        message = AgentConnection.decode(frame);
      } catch (AgentConnection.MalformedFrame e) {
        continue;
      }
      switch (message.getMessageCase()) {
        case REGISTER -> state.registered(message.getRegister().getWorkerId());
        case AVAILABILITY -> state.offer(message.getAvailability().getJob().getId(), 0.1);
        case ASSIGNMENT -> {
          String job = message.getAssignment().getJob().getId();
          if (state.assigned(job)) {
            assertThat(running.add(job)).as("job %s started twice", job).isTrue();
          }
        }
        case TERMINATION -> {
          String job = message.getTermination().getJobId();
          if (running.remove(job)) {
            state.finished(job);
          }
        }
        default -> {}
      }
      WorkerState.Snapshot s = state.snapshot();
      assertThat(s.activeJobs()).isEqualTo(running.size());
      assertThat(s.activeJobs() + s.reservedJobs()).isLessThanOrEqualTo(MAX_JOBS);
    }
  }

  /** Up to 16 frames, each a byte count then that many bytes. */
  static Iterable<byte[]> frames(FuzzedDataProvider data) {
    java.util.List<byte[]> frames = new java.util.ArrayList<>();
    while (frames.size() < 16 && data.remainingBytes() > 0) {
      int length = data.consumeInt(0, 512);
      frames.add(data.consumeBytes(length));
    }
    return frames;
  }
}
