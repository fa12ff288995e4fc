package io.agentfleet.media;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One published audio track. Producers queue frames; the engine's pump takes one every 10 ms, so
 * timing follows the pump's clock, not the producer (silence when nothing is queued).
 */
public final class AudioOutput {
  private static final byte[] SILENCE = new byte[AudioFrame.SAMPLES * 2];

  private final MediaEngine engine;
  private final CustomAudioSource source;
  private final AudioTrack track;
  private final BlockingQueue<AudioFrame> queue;
  private boolean disposed; // guarded by this: the pump pushes and close disposes under it

  AudioOutput(MediaEngine engine, CustomAudioSource source, AudioTrack track, int capacity) {
    this.engine = engine;
    this.source = source;
    this.track = track;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  public AudioTrack track() {
    return track;
  }

  /** Queues a frame, waiting while the queue is full (the producer is ahead of real time). */
  public void push(AudioFrame frame) throws InterruptedException {
    queue.put(frame);
  }

  /** Queues a frame unless the queue is full or the wait passes; returns whether it was queued. */
  public boolean offer(AudioFrame frame, Duration wait) throws InterruptedException {
    return queue.offer(frame, wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Queues a frame, dropping the oldest when full: for relays that must keep latency low. */
  public void offerDroppingOldest(AudioFrame frame) {
    while (!queue.offer(frame)) {
      queue.poll();
    }
  }

  /** Frames still waiting to be sent. */
  public int queued() {
    return queue.size();
  }

  public void clear() {
    queue.clear();
  }

  synchronized void pushNext() {
    if (disposed) {
      return;
    }
    AudioFrame next = queue.poll();
    byte[] pcm = next == null ? SILENCE : next.toLittleEndian();
    source.pushAudio(pcm, 16, AudioFrame.SAMPLE_RATE, 1, AudioFrame.SAMPLES);
  }

  /**
   * Stops sending and frees the native source. Call after the peer connection carrying the track is
   * closed; the track itself is not disposed (that throws once its connection is closed).
   */
  public void dispose() {
    engine.detach(this);
    synchronized (this) {
      if (!disposed) {
        disposed = true;
        source.dispose();
      }
    }
  }
}
