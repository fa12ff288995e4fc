package io.agentfleet.worker.job.builtin;

import io.agentfleet.media.AudioFrame;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.worker.job.JobContext;
import io.agentfleet.worker.room.RoomAgent;
import io.agentfleet.worker.room.RoomSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The greeter: once a caller is in the room, says hello by data message, plays a rising three-note
 * chime, then a steady tone of {@code tone_hz} (default 440) until the call ends or {@code tone_ms}
 * pass, then says goodbye by data message (topic {@code greeter}) and leaves.
 */
public final class ToneAgent implements RoomAgent {
  public static final String TOPIC = "greeter";
  private static final int AMPLITUDE = 8000;

  @Override
  public void run(JobContext context, RoomSession room) throws Exception {
    Metadata meta = Metadata.parse(context.metadata());
    double hz = meta.number("tone_hz", 440);
    long toneMs = meta.number("tone_ms", Long.MAX_VALUE / 2);
    AudioOutput out = room.publishAudio("greeter", 50);
    // Greet the caller, not an empty room: wait for the first one (a minute, as the join timeout).
    if (!room.awaitCaller(Duration.ofMinutes(1))) {
      return;
    }
    room.sendData("hello".getBytes(StandardCharsets.UTF_8), TOPIC, true);
    Oscillator osc = new Oscillator();
    for (double note : new double[] {523.25, 659.25, 783.99}) {
      for (int i = 0; i < 20 && !RoomAgent.shouldStop(context, room); i++) {
        out.push(osc.next(note));
      }
    }
    long frames = toneMs / 10;
    for (long i = 0; i < frames && !RoomAgent.shouldStop(context, room); i++) {
      // push blocks while 50 frames are queued: the loop runs at real time, paced by the output.
      if (!out.offer(osc.next(hz), Duration.ofMillis(200))) {
        continue;
      }
    }
    if (!room.isEnded()) {
      room.sendData("goodbye".getBytes(StandardCharsets.UTF_8), TOPIC, true);
      Thread.sleep(200); // let the reliable channel flush before leaving
    }
  }

  /** A sine generator whose phase carries across frames, so notes join without clicks. */
  static final class Oscillator {
    private double phase;

    AudioFrame next(double hz) {
      short[] samples = new short[AudioFrame.SAMPLES];
      double step = 2 * Math.PI * hz / AudioFrame.SAMPLE_RATE;
      for (int i = 0; i < samples.length; i++) {
        samples[i] = (short) Math.round(AMPLITUDE * Math.sin(phase));
        phase += step;
      }
      phase %= 2 * Math.PI;
      return new AudioFrame("", samples);
    }
  }
}
