package io.agentfleet.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Ten milliseconds of 48 kHz mono 16-bit PCM: the unit agents read and write.
 *
 * @param participant identity of the participant it came from (empty for audio going out)
 * @param samples exactly {@link #SAMPLES} samples
 */
public record AudioFrame(String participant, short[] samples) {
  public static final int SAMPLE_RATE = 48_000;
  public static final int SAMPLES = SAMPLE_RATE / 100;

  public AudioFrame {
    if (samples.length != SAMPLES) {
      throw new IllegalArgumentException(
          "a frame is " + SAMPLES + " samples, got " + samples.length);
    }
  }

  public static AudioFrame silence() {
    return new AudioFrame("", new short[SAMPLES]);
  }

  /** Root mean square of the samples: 0 for silence, about 7071 for a 10000-amplitude sine. */
  public double rms() {
    double sum = 0;
    for (short s : samples) {
      sum += (double) s * s;
    }
    return Math.sqrt(sum / samples.length);
  }

  /**
   * Sign changes from negative to non-negative, for a cheap frequency estimate over many frames.
   */
  public int upwardZeroCrossings(short previousLast) {
    int n = 0;
    short prev = previousLast;
    for (short s : samples) {
      if (prev < 0 && s >= 0) {
        n++;
      }
      prev = s;
    }
    return n;
  }

  byte[] toLittleEndian() {
    ByteBuffer out = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : samples) {
      out.putShort(s);
    }
    return out.array();
  }

  /**
   * Decodes what an {@code AudioTrackSink} delivers, down-mixing to mono; null when it is not 10 ms
   * of 16-bit 48 kHz audio (libwebrtc delivers exactly that for Opus, so it is never expected).
   */
  static AudioFrame fromSink(
      String participant, byte[] data, int bits, int rate, int channels, int frames) {
    if (bits != 16 || rate != SAMPLE_RATE || frames != SAMPLES || channels < 1) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    short[] mono = new short[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      int sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += in.getShort();
      }
      mono[i] = (short) (sum / channels);
    }
    return new AudioFrame(participant, mono);
  }
}
