package io.agentfleet.worker.job.builtin;

import io.agentfleet.media.AudioFrame;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.worker.job.JobContext;
import io.agentfleet.worker.room.RoomAgent;
import io.agentfleet.worker.room.RoomSession;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Listens until the caller stops talking (energy VAD: {@code vad_threshold} RMS, default 500; 400
 * ms of quiet ends an utterance), then says the utterance back. The shape of a voice agent: replace
 * the replay with STT → LLM → TTS.
 */
public final class ParrotAgent implements RoomAgent {
  private static final Duration POLL = Duration.ofMillis(100);

  @Override
  public void run(JobContext context, RoomSession room) throws Exception {
    double threshold = Metadata.parse(context.metadata()).number("vad_threshold", 500);
    VoiceActivity vad = new VoiceActivity(threshold, 40, 10, 30_00);
    AudioOutput out = room.publishAudio("parrot", 3100);
    while (!RoomAgent.shouldStop(context, room)) {
      Optional<AudioFrame> heard = room.pollAudio(POLL);
      if (heard.isEmpty()) {
        continue;
      }
      Optional<List<AudioFrame>> said = vad.accept(heard.get());
      if (said.isPresent()) {
        out.clear();
        for (AudioFrame f : said.get()) {
          out.offerDroppingOldest(f);
        }
      }
    }
  }
}
