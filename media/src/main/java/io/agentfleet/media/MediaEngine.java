package io.agentfleet.media;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one WebRTC factory with a headless audio device, and the one thread that pushes
 * every outgoing frame.
 *
 * <p>Why one pump thread with a gate: webrtc-java 0.14.0 restarts the device's capture thread
 * whenever a send stream starts, and that thread racing {@code pushAudio} aborts the JVM ({@code
 * audio_send_stream.cc race_checker}). The verified remedy is to push nothing while a send stream
 * may be starting, then stop recording and resume. So every negotiation or connection holds the
 * gate ({@link #holdPushesUntil}) until it has settled; the pump then waits a little, calls {@code
 * stopRecording()} itself, and only then pushes again. Only the pump calls {@code pushAudio} and
 * {@code stopRecording}, so they can never overlap.
 */
public final class MediaEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaEngine.class);

  /** How long after a send stream settles the pump waits before stopping the capture thread. */
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * A hold that outlives this is released anyway (a negotiation that never finished): every call on
   * the engine is silent while any hold lasts, so it must be short.
   */
  private static final Duration MAX_HOLD = Duration.ofSeconds(5);

  private final HeadlessAudioDeviceModule adm;
  private final PeerConnectionFactory factory;
  private final ScheduledExecutorService pump;
  private final Set<AudioOutput> outputs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger holds = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile long stopRecordingAt; // System.nanoTime(), 0 when not due
  private volatile boolean closed;

  private MediaEngine(HeadlessAudioDeviceModule adm, PeerConnectionFactory factory) {
    this.adm = adm;
    this.factory = factory;
    this.pump =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "media-pump");
              t.setDaemon(true);
              return t;
            });
    pump.scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
  }

  private static MediaEngine shared; // guarded by MediaEngine.class

  /**
   * The process's engine, created on first use: one factory and one device for every job, as the
   * probe measured (about 2.6 % of a core per call both ways).
   */
  public static synchronized MediaEngine shared() throws MediaUnavailableException {
    if (shared == null) {
      shared = create();
    }
    return shared;
  }

  /** Loads the native library and creates the factory. */
  public static MediaEngine create() throws MediaUnavailableException {
    try {
      HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
      return new MediaEngine(adm, new PeerConnectionFactory(adm));
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      throw new MediaUnavailableException(
          "webrtc-java cannot load its native library (on Debian: apt-get install libpulse0): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A peer connection with the given ICE servers, UDP only: ICE-TCP candidates made thousands of
   * sockets per process in the probe and buy nothing between hosts that reach each other by UDP.
   */
  public RTCPeerConnection newPeerConnection(
      List<RTCIceServer> iceServers, PeerConnectionObserver observer) {
    RTCConfiguration config = new RTCConfiguration();
    config.iceServers.addAll(iceServers);
    config.portAllocatorConfig = new PortAllocatorConfig().setDisableTcp(true);
    return factory.createPeerConnection(config, observer);
  }

  /** A track fed by the pump, holding up to {@code capacityFrames} queued frames. */
  public AudioOutput newOutput(String trackId, int capacityFrames) {
    CustomAudioSource source = new CustomAudioSource();
    AudioTrack track = factory.createAudioTrack(trackId, source);
    AudioOutput output = new AudioOutput(this, source, track, capacityFrames);
    outputs.add(output);
    return output;
  }

  public String nextTrackId(String prefix) {
    return prefix + sequence.incrementAndGet();
  }

  /**
   * Pushes nothing on any track until {@code settled} completes (or fails, or 5 s pass), then stops
   * the capture thread the new send stream started before pushing again.
   */
  public void holdPushesUntil(CompletableFuture<?> settled) {
    holds.incrementAndGet();
    settled
        .orTimeout(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, error) -> {
              stopRecordingAt = System.nanoTime() + SETTLE_NANOS;
              holds.decrementAndGet();
            });
  }

  /**
   * A sink that turns what the track decodes into frames for {@code frames}. It runs on a native
   * thread, so it never throws (an exception there kills the JVM) and must not block.
   */
  public static AudioTrackSink sink(Supplier<String> participant, Consumer<AudioFrame> frames) {
    return (data, bits, rate, channels, count) -> {
      try {
        AudioFrame frame =
            AudioFrame.fromSink(participant.get(), data, bits, rate, channels, count);
        if (frame != null) {
          frames.accept(frame);
        }
      } catch (Throwable t) {
        LOG.warn("audio sink failed", t);
      }
    };
  }

  void detach(AudioOutput output) {
    outputs.remove(output);
  }

  private void tick() {
    try {
      if (closed || holds.get() > 0) {
        return;
      }
      long due = stopRecordingAt;
      if (due != 0) {
        if (System.nanoTime() - due < 0) {
          return;
        }
        adm.stopRecording();
        stopRecordingAt = 0;
      }
      for (AudioOutput output : outputs) {
        output.pushNext();
      }
    } catch (Throwable t) {
      LOG.warn("media pump tick failed", t);
    }
  }

  /** Frees the factory and the device; every peer connection and output must be gone by now. */
  @Override
  public void close() {
    closed = true;
    pump.shutdown();
    try {
      pump.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    factory.dispose();
    adm.dispose();
  }

  /** Outputs still attached: a leak check for tests. */
  public int activeOutputs() {
    return outputs.size();
  }
}
