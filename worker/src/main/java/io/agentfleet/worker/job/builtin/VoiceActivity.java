package io.agentfleet.worker.job.builtin;

import io.agentfleet.media.AudioFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Energy-based voice activity detection as a pure state machine: frames louder than a threshold
 * start an utterance; {@code hangoverFrames} quiet frames in a row end it, and the utterance (its
 * frames, trailing quiet trimmed) is returned once. Utterances shorter than {@code minFrames} of
 * speech are dropped as clicks.
 */
final class VoiceActivity {
  private final double threshold;
  private final int hangoverFrames;
  private final int minFrames;
  private final int maxFrames;
  private final List<AudioFrame> utterance = new ArrayList<>();
  private int quietRun;
  private int loudFrames;

  VoiceActivity(double threshold, int hangoverFrames, int minFrames, int maxFrames) {
    this.threshold = threshold;
    this.hangoverFrames = hangoverFrames;
    this.minFrames = minFrames;
    this.maxFrames = maxFrames;
  }

  boolean speaking() {
    return !utterance.isEmpty();
  }

  /** Feeds one frame; returns a finished utterance when this frame ended one. */
  Optional<List<AudioFrame>> accept(AudioFrame frame) {
    boolean loud = frame.rms() >= threshold;
    if (utterance.isEmpty()) {
      if (loud) {
        utterance.add(frame);
        loudFrames = 1;
        quietRun = 0;
      }
      return Optional.empty();
    }
    utterance.add(frame);
    if (loud) {
      loudFrames++;
      quietRun = 0;
    } else {
      quietRun++;
    }
    if (quietRun >= hangoverFrames || utterance.size() >= maxFrames) {
      List<AudioFrame> done = List.copyOf(utterance.subList(0, utterance.size() - quietRun));
      boolean longEnough = loudFrames >= minFrames;
      utterance.clear();
      quietRun = 0;
      loudFrames = 0;
      return longEnough ? Optional.of(done) : Optional.empty();
    }
    return Optional.empty();
  }
}
