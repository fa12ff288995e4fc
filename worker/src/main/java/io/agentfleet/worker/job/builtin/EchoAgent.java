package io.agentfleet.worker.job.builtin;

import io.agentfleet.media.AudioFrame;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.worker.job.JobContext;
import io.agentfleet.worker.room.DataMessage;
import io.agentfleet.worker.room.RoomAgent;
import io.agentfleet.worker.room.RoomSession;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends back what it hears, {@code delay_ms} later (dispatch metadata, default 300): the delay is a
 * queue of silence ahead of the first echoed frame, kept steady by the output's clock. User data
 * packets are sent back too, on topic {@value #TOPIC}.
 */
public final class EchoAgent implements RoomAgent {
  public static final String TOPIC = "echo";
  private static final Duration POLL = Duration.ofMillis(100);

  @Override
  public void run(JobContext context, RoomSession room) throws Exception {
    long delayMs = Math.max(0, Metadata.parse(context.metadata()).number("delay_ms", 300));
    int delayFrames = (int) (delayMs / 10);
    AudioOutput out = room.publishAudio("echo", delayFrames + 200);
    boolean started = false;
    while (!RoomAgent.shouldStop(context, room)) {
      Optional<DataMessage> message = room.pollData(Duration.ZERO);
      if (message.isPresent()) {
        room.sendData(message.get().payload(), TOPIC, true);
      }
      Optional<AudioFrame> heard = room.pollAudio(POLL);
      if (heard.isEmpty()) {
        continue;
      }
      if (!started) {
        for (int i = 0; i < delayFrames; i++) {
          out.offerDroppingOldest(AudioFrame.silence());
        }
        started = true;
      }
      out.offerDroppingOldest(heard.get());
    }
  }
}
