package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MediaCallersTest {
  static MediaCallers callers(int maxAtOnce) {
    return new MediaCallers(
        maxAtOnce,
        List.of("java"),
        "ws://127.0.0.1:1",
        "k",
        "s",
        Path.of("unused"),
        new CallLedger(Clock.systemUTC()),
        new LiveKitRooms("http://127.0.0.1:1", "k", "s", Clock.systemUTC()));
  }

  @Test
  void atMostNMediaCallsAtATimeAndASlotComesBackWhenACallerEnds() {
    MediaCallers media = callers(2);
    assertThat(media.tryTakeSlot()).isTrue();
    assertThat(media.tryTakeSlot()).isTrue();
    assertThat(media.tryTakeSlot()).as("a third call holds without media").isFalse();
    media.releaseSlot();
    assertThat(media.tryTakeSlot()).isTrue();
    assertThat(media.active()).isEqualTo(2);
  }

  @Test
  void noSlotAfterClose() {
    MediaCallers media = callers(2);
    media.close();
    assertThat(media.tryTakeSlot()).isFalse();
  }

  @Test
  void consecutiveCallersSpeakDistinctTonesFarEnoughApartToTellThemApart() {
    List<Double> tones = IntStream.range(0, 9).mapToObj(MediaCallers::toneHz).toList();
    assertThat(tones).doesNotHaveDuplicates().allMatch(hz -> hz >= 300 && hz <= 700);
    for (int i = 1; i < tones.size(); i++) {
      assertThat(Math.abs(tones.get(i) - tones.get(i - 1)))
          .isGreaterThanOrEqualTo(MediaResult.HZ_TOLERANCE);
    }
  }

  @Test
  void mediaCallsLastLongEnoughToMeasureATone() {
    assertThat(MediaCallers.length(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
    assertThat(MediaCallers.length(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
  }
}
