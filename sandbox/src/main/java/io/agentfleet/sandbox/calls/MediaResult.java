package io.agentfleet.sandbox.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/**
 * What the caller of a media call heard: the worker's echo agent sends the caller's tone back, so a
 * caller that hears its own frequency proves audio went both ways through the LiveKit server.
 *
 * @param sentHz the caller's tone
 * @param heardHz the frequency of what came back (median over 100 ms blocks), 0 if nothing
 * @param loudFrames 10 ms frames heard above the caller's loudness threshold
 * @param firstLoudMs from the caller's first frame sent to the first loud frame heard, -1 if none
 * @param failure why the caller gave no measurement, or null when it did (or is still in the call)
 * @param done whether the caller has finished
 */
public record MediaResult(
    double sentHz, double heardHz, int loudFrames, long firstLoudMs, String failure, boolean done) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The frequency is measured from zero crossings in 100 ms blocks, so it moves in 10 Hz steps and
   * a gap in the audio adds a few crossings; the worker's media tests accept the same margin.
   */
  static final double HZ_TOLERANCE = 40;

  /** A caller shorter than this cannot fill enough 100 ms blocks for a stable frequency. */
  static final int MIN_LOUD_FRAMES = 20;

  public static MediaResult inCall(double sentHz) {
    return new MediaResult(sentHz, 0, 0, -1, null, false);
  }

  public static MediaResult failed(double sentHz, String why) {
    return new MediaResult(sentHz, 0, 0, -1, why, true);
  }

  /**
   * The result from a finished {@code call} command's output: its last JSON line, e.g. {@code
   * {"room":"call-3","frames":390,"loud_frames":301,"mean_rms":6800.0,"hz":440.0,
   * "first_loud_ms":420}}; other lines are the caller's log.
   */
  public static MediaResult fromCallerOutput(double sentHz, String output, int exitCode) {
    String json = null;
    for (String line : output.split("\n")) {
      if (line.startsWith("{\"room\"")) {
        json = line;
      }
    }
    if (json == null) {
      return failed(sentHz, "caller exited with " + exitCode + " and no measurement");
    }
    try {
      JsonNode heard = JSON.readTree(json);
      return new MediaResult(
          sentHz,
          heard.path("hz").asDouble(),
          heard.path("loud_frames").asInt(),
          heard.path("first_loud_ms").asLong(-1),
          null,
          true);
    } catch (java.io.IOException e) {
      return failed(sentHz, "unreadable caller output: " + json);
    }
  }

  /** The caller heard its own tone back, loud enough and long enough to be sure. */
  public boolean heardOwnTone() {
    return done
        && failure == null
        && loudFrames >= MIN_LOUD_FRAMES
        && Math.abs(heardHz - sentHz) < HZ_TOLERANCE;
  }

  /**
   * The ledger's {@code media} column, without commas: {@code sent 440Hz heard 440Hz loud 301 delay
   * 420ms}, {@code sent 440Hz silent}, {@code sent 440Hz in call} or {@code sent 440Hz failed:
   * ...}.
   */
  public String csv() {
    String sent = String.format(Locale.ROOT, "sent %.0fHz ", sentHz);
    if (!done) {
      return sent + "in call";
    }
    if (failure != null) {
      return sent + "failed: " + failure.replace(',', ';').replace('\n', ' ');
    }
    if (loudFrames == 0) {
      return sent + "silent";
    }
    return sent
        + String.format(
            Locale.ROOT, "heard %.0fHz loud %d delay %dms", heardHz, loudFrames, firstLoudMs);
  }
}
