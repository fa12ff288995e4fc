package io.agentfleet.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AudioFrameTest {
  private static short[] sine(double hz, int amplitude) {
    short[] s = new short[AudioFrame.SAMPLES];
    for (int i = 0; i < s.length; i++) {
      s[i] =
          (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / AudioFrame.SAMPLE_RATE));
    }
    return s;
  }

  @Test
  void aFrameIsTenMillisecondsAt48kHz() {
    assertThat(AudioFrame.SAMPLES).isEqualTo(480);
    assertThatThrownBy(() -> new AudioFrame("", new short[160]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rmsOfASineIsAmplitudeOverRootTwo() {
    assertThat(new AudioFrame("", sine(1000, 10000)).rms()).isCloseTo(7071, within(20));
    assertThat(AudioFrame.silence().rms()).isZero();
  }

  @Test
  void zeroCrossingsCountCycles() {
    // 1 kHz over 10 ms is 10 cycles.
    assertThat(new AudioFrame("", sine(1000, 10000)).upwardZeroCrossings((short) -1))
        .isBetween(10, 11);
  }

  @Test
  void sinkBytesRoundTripAndStereoIsMixedDown() {
    AudioFrame frame = new AudioFrame("", sine(440, 5000));
    byte[] pcm = frame.toLittleEndian();
    assertThat(AudioFrame.fromSink("bob", pcm, 16, 48000, 1, 480).samples())
        .containsExactly(frame.samples());

    ByteBuffer stereo = ByteBuffer.allocate(480 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 480; i++) {
      stereo.putShort((short) 1000).putShort((short) 3000);
    }
    AudioFrame mixed = AudioFrame.fromSink("bob", stereo.array(), 16, 48000, 2, 480);
    assertThat(mixed.participant()).isEqualTo("bob");
    assertThat(mixed.samples()).containsOnly((short) 2000);
  }

  @Test
  void anythingButTenMillisecondsOf16Bit48kHzIsRefused() {
    assertThat(AudioFrame.fromSink("", new byte[320], 16, 16000, 1, 160)).isNull();
    assertThat(AudioFrame.fromSink("", new byte[960], 8, 48000, 1, 480)).isNull();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
