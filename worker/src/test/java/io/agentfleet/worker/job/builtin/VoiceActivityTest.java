package io.agentfleet.worker.job.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.media.AudioFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoiceActivityTest {
  private static AudioFrame loud() {
    short[] s = new short[AudioFrame.SAMPLES];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (i % 2 == 0 ? 3000 : -3000);
    }
    return new AudioFrame("caller", s);
  }

  private static List<List<AudioFrame>> feed(VoiceActivity vad, String pattern) {
    List<List<AudioFrame>> utterances = new ArrayList<>();
    for (char c : pattern.toCharArray()) {
      Optional<List<AudioFrame>> done = vad.accept(c == 'L' ? loud() : AudioFrame.silence());
      done.ifPresent(utterances::add);
    }
    return utterances;
  }

  @Test
  void anUtteranceEndsAfterTheHangoverWithoutItsTrailingQuiet() {
    VoiceActivity vad = new VoiceActivity(500, 3, 2, 100);
    List<List<AudioFrame>> said = feed(vad, "..LLL.LL...");
    assertThat(said).hasSize(1);
    assertThat(said.get(0)).hasSize(6); // LLL.LL
    assertThat(vad.speaking()).isFalse();
  }

  @Test
  void clicksShorterThanTheMinimumAreDropped() {
    VoiceActivity vad = new VoiceActivity(500, 3, 2, 100);
    assertThat(feed(vad, "L....L....")).isEmpty();
  }

  @Test
  void aLongUtteranceIsCutAtTheMaximum() {
    VoiceActivity vad = new VoiceActivity(500, 3, 2, 5);
    List<List<AudioFrame>> said = feed(vad, "LLLLLLLLLL");
    assertThat(said).hasSize(2);
    assertThat(said.get(0)).hasSize(5);
  }

  @Test
  void quietNeverStartsAnUtterance() {
    VoiceActivity vad = new VoiceActivity(500, 3, 2, 100);
    assertThat(feed(vad, "..........")).isEmpty();
    assertThat(vad.speaking()).isFalse();
  }
}
