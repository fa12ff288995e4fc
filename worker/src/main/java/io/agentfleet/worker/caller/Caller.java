package io.agentfleet.worker.caller;

import io.agentfleet.media.AudioFrame;
import io.agentfleet.media.AudioOutput;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.room.RoomSession;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.time.Duration;
import java.util.Optional;

/**
 * A synthetic caller for tests, the sandbox and benchmarks: joins a room, publishes a sine, and
 * measures what it hears (energy, frequency by zero crossings, delay from its first pushed frame to
 * the first loud frame heard). {@code agentfleet-worker call} runs one from the command line.
 */
public final class Caller implements AutoCloseable {
  /**
   * What the caller heard.
   *
   * @param frames 10 ms frames received
   * @param loudFrames frames at or above the loudness threshold
   * @param meanRms mean RMS of the loud frames
   * @param hz the loud frames' frequency (median over 100 ms blocks)
   * @param firstLoudMs from the first frame pushed to the first loud frame heard, -1 if none
   */
  public record Heard(int frames, int loudFrames, double meanRms, double hz, long firstLoudMs) {}

  public final RoomSession room;
  private AudioOutput out;
  private volatile long firstPushNanos;

  private Caller(RoomSession room) {
    this.room = room;
  }

  /** A join token for {@code identity} in {@code room}, signed with the devserver's dev key. */
  public static String token(String room, String identity) {
    return token("devkey", "secret", room, identity);
  }

  public static String token(String apiKey, String apiSecret, String room, String identity) {
    AccessToken token = new AccessToken(apiKey, apiSecret);
    token.setIdentity(identity);
    token.setName(identity);
    token.addGrants(new RoomJoin(true), new RoomName(room));
    return token.toJwt();
  }

  public static Caller join(MediaEngine engine, String url, String room, String identity)
      throws Exception {
    return join(engine, url, room, identity, token(room, identity));
  }

  public static Caller join(
      MediaEngine engine, String url, String room, String identity, String token) throws Exception {
    return new Caller(RoomSession.join(engine, url, token));
  }

  /** Publishes {@code seconds} of a sine at {@code hz} (amplitude 10000), paced by the output. */
  public Thread speak(double hz, double seconds) throws Exception {
    out = room.publishAudio("mic", 20);
    Thread t =
        new Thread(
            () -> {
              double phase = 0;
              double step = 2 * Math.PI * hz / AudioFrame.SAMPLE_RATE;
              try {
                for (int f = 0; f < seconds * 100; f++) {
                  short[] s = new short[AudioFrame.SAMPLES];
                  for (int i = 0; i < s.length; i++) {
                    s[i] = (short) Math.round(10000 * Math.sin(phase));
                    phase += step;
                  }
                  out.push(new AudioFrame("", s));
                  if (firstPushNanos == 0) {
                    firstPushNanos = System.nanoTime();
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "caller-speak");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Listens for {@code duration}, counting frames louder than {@code loud} RMS. */
  public Heard listen(Duration duration, double loud) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    int frames = 0;
    int loudFrames = 0;
    double rmsSum = 0;
    long crossings = 0;
    long firstLoud = -1;
    short last = 0;
    java.util.List<Integer> loudCrossings = new java.util.ArrayList<>();
    while (System.nanoTime() < end) {
      Optional<AudioFrame> f = room.pollAudio(Duration.ofMillis(50));
      if (f.isEmpty()) {
        continue;
      }
      frames++;
      double rms = f.get().rms();
      if (rms >= loud) {
        if (firstLoud < 0 && firstPushNanos != 0) {
          firstLoud = (System.nanoTime() - firstPushNanos) / 1_000_000;
        }
        loudFrames++;
        rmsSum += rms;
        int c = f.get().upwardZeroCrossings(last);
        crossings += c;
        loudCrossings.add(c);
      }
      last = f.get().samples()[AudioFrame.SAMPLES - 1];
    }
    double hz = medianBlockHz(loudCrossings);
    return new Heard(frames, loudFrames, loudFrames == 0 ? 0 : rmsSum / loudFrames, hz, firstLoud);
  }

  /**
   * The frequency as the median over 100 ms blocks of loud frames: robust to the few frames around
   * a gap (concealment, a dropped relay frame) whose extra zero crossings would bias a plain mean.
   */
  static double medianBlockHz(java.util.List<Integer> crossingsPerFrame) {
    java.util.List<Integer> blocks = new java.util.ArrayList<>();
    for (int i = 0; i + 10 <= crossingsPerFrame.size(); i += 10) {
      int sum = 0;
      for (int j = i; j < i + 10; j++) {
        sum += crossingsPerFrame.get(j);
      }
      blocks.add(sum * 10);
    }
    if (blocks.isEmpty()) {
      return 0;
    }
    java.util.Collections.sort(blocks);
    return blocks.get(blocks.size() / 2);
  }

  @Override
  public void close() {
    room.close();
  }
}
