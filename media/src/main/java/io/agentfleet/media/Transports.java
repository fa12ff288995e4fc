package io.agentfleet.media;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two peer connections of one LiveKit participant (protocol 15, subscriber primary), from
 * either end of its signal connection: the worker's room session is the client, the devserver's
 * participant the server. The end that offers on a connection also opens the {@code _reliable} and
 * {@code _lossy} data channels on it and sends audio on it; the other connection it only answers.
 *
 * <p>Every method that negotiates or frees must be called on the session's signalling thread (the
 * {@code signal} executor), with no lock a libwebrtc callback could need. The callbacks arrive on
 * libwebrtc's threads and must neither block nor throw.
 */
public final class Transports {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

  /** Which end of the signal connection this is. */
  public enum End {
    /** Offers on the publisher connection, answers the server's subscriber offers. */
    CLIENT(SignalTarget.PUBLISHER),
    /** Offers on the subscriber connection, answers the client's publisher offers. */
    SERVER(SignalTarget.SUBSCRIBER);

    final SignalTarget offering;

    End(SignalTarget offering) {
      this.offering = offering;
    }
  }

  /** What the transports ask of the session around them. */
  public interface Listener {
    /** On the signalling thread: send this end's offer (on the offering connection). */
    void offer(SessionDescription offer);

    /** On the signalling thread: send a local ICE candidate. */
    void trickle(TrickleRequest trickle);

    /** On a libwebrtc thread, after the transports' own futures moved. */
    default void connectionChanged(SignalTarget target, RTCPeerConnectionState state) {}

    /**
     * On a libwebrtc thread: a remote audio track, muted for playout. Its sink still gets the
     * decoded audio, which libwebrtc feeds before the track's volume is applied; webrtc-java's
     * headless audio device would otherwise loop the process's playout mix (every track received,
     * in every room) back as microphone audio into each send stream that starts recording, until
     * the media pump stops it: one call would hear another's audio.
     */
    void audioTrack(AudioTrack track);

    /** On a libwebrtc thread: a data packet from the remote end; undecodable ones are dropped. */
    void data(DataPacket packet);
  }

  private final MediaEngine engine;
  private final End end;
  private final Executor signal;
  private final Listener listener;
  private final RTCPeerConnection offering;
  private final RTCPeerConnection answering;
  private final RTCDataChannel reliable;
  private final RTCDataChannel lossy;
  private final List<RTCDataChannel> channels = new ArrayList<>();
  private final List<AudioOutput> outputs = new ArrayList<>();
  private final CompletableFuture<Void> subscriberConnected = new CompletableFuture<>();
  private final CompletableFuture<Void> publisherConnected = new CompletableFuture<>();
  private final CompletableFuture<Void> reliableOpen = new CompletableFuture<>();
  private final CompletableFuture<Void> lossyOpen = new CompletableFuture<>();
  // Negotiation of the offering connection, on the signalling thread only: one offer in flight;
  // changes made meanwhile are offered again once its answer is in.
  private boolean negotiating;
  private boolean needsNegotiation;
  private CompletableFuture<Void> answerToSentOffer = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> answerToNextOffer = new CompletableFuture<>();
  private int offerId;

  private Transports(
      MediaEngine engine, End end, List<RTCIceServer> ice, Executor signal, Listener listener) {
    this.engine = engine;
    this.end = end;
    this.signal = signal;
    this.listener = listener;
    RTCPeerConnection subscriber =
        engine.newPeerConnection(ice, new Observer(SignalTarget.SUBSCRIBER));
    RTCPeerConnection publisher =
        engine.newPeerConnection(ice, new Observer(SignalTarget.PUBLISHER));
    offering = end == End.CLIENT ? publisher : subscriber;
    answering = end == End.CLIENT ? subscriber : publisher;
    // Audio goes out only once the subscriber connection (the primary) carries it.
    engine.holdPushesUntil(subscriberConnected);
    RTCDataChannelInit ordered = new RTCDataChannelInit();
    ordered.ordered = true;
    reliable = offering.createDataChannel("_reliable", ordered);
    RTCDataChannelInit unordered = new RTCDataChannelInit();
    unordered.ordered = false;
    unordered.maxRetransmits = 0;
    lossy = offering.createDataChannel("_lossy", unordered);
    watchOpen(reliable, reliableOpen);
    watchOpen(lossy, lossyOpen);
    channels.add(reliable);
    channels.add(lossy);
  }

  /**
   * Creates both connections and this end's data channels. On the signalling thread.
   *
   * @param signal the session's signalling thread, where candidates are sent from
   */
  public static Transports open(
      MediaEngine engine, End end, List<RTCIceServer> ice, Executor signal, Listener listener) {
    return new Transports(engine, end, ice, signal, listener);
  }

  /**
   * Offers on the offering connection, or marks it to be offered again once the answer in flight
   * arrives.
   *
   * @return completes when an answer to an offer covering every change made so far is applied
   */
  public CompletableFuture<Void> negotiate() throws Exception {
    CompletableFuture<Void> covering = answerToNextOffer;
    if (negotiating) {
      needsNegotiation = true;
      return covering;
    }
    negotiating = true;
    needsNegotiation = false;
    answerToSentOffer = answerToNextOffer;
    answerToNextOffer = new CompletableFuture<>();
    RTCSessionDescription offer = PeerConnections.offer(offering);
    PeerConnections.setLocal(offering, offer);
    listener.offer(PeerConnections.toWire(offer, ++offerId));
    return covering;
  }

  /** The remote end's answer to this end's offer. */
  public void answered(SessionDescription answer) throws Exception {
    PeerConnections.setRemote(offering, PeerConnections.fromWire(answer));
    negotiating = false;
    answerToSentOffer.complete(null);
    if (needsNegotiation) {
      negotiate();
    }
  }

  /**
   * The remote end's offer on the connection this end answers.
   *
   * @return the answer to send back
   */
  public SessionDescription answer(SessionDescription offer) throws Exception {
    PeerConnections.setRemote(answering, PeerConnections.fromWire(offer));
    RTCSessionDescription answer = PeerConnections.answer(answering);
    PeerConnections.setLocal(answering, answer);
    return PeerConnections.toWire(answer, offer.getId());
  }

  public void trickled(TrickleRequest trickle) {
    if (trickle.getCandidateInit().isEmpty()) {
      return;
    }
    RTCPeerConnection pc = trickle.getTarget() == end.offering ? offering : answering;
    pc.addIceCandidate(PeerConnections.candidateFromJson(trickle.getCandidateInit()));
  }

  /**
   * A new audio track sent on the offering connection; it is in the session once {@link
   * #negotiate()} has offered it.
   *
   * @param streamId the media stream id the remote end sees
   */
  public AudioOutput sendAudio(String trackId, String streamId, int bufferFrames) {
    AudioOutput output = engine.newOutput(trackId, bufferFrames);
    offering.addTrack(output.track(), List.of(streamId));
    synchronized (outputs) {
      outputs.add(output);
    }
    return output;
  }

  public boolean owns(AudioOutput output) {
    synchronized (outputs) {
      return outputs.contains(output);
    }
  }

  /**
   * Sends a data packet on this end's {@code _reliable} or {@code _lossy} channel, from any thread.
   *
   * @return false when the channel is not open (nothing was sent)
   */
  public boolean send(DataPacket packet) throws Exception {
    RTCDataChannel channel = packet.getKind() == DataPacket.Kind.LOSSY ? lossy : reliable;
    if (channel.getState() != RTCDataChannelState.OPEN) {
      return false;
    }
    channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(packet.toByteArray()), true));
    return true;
  }

  /** Completes when this end's channel of that kind is open; fails when released first. */
  public CompletableFuture<Void> channelOpen(DataPacket.Kind kind) {
    return kind == DataPacket.Kind.LOSSY ? lossyOpen : reliableOpen;
  }

  public CompletableFuture<Void> connected(SignalTarget target) {
    return target == SignalTarget.SUBSCRIBER ? subscriberConnected : publisherConnected;
  }

  /**
   * Frees everything native, in the order found safe (channels, connections, then sources; never
   * the tracks), and lets go of every hold on the shared media pump, or every other call would go
   * quiet until the hold times out. On the signalling thread.
   */
  public void release() {
    PeerConnections.release(channels, outputs, offering, answering);
    subscriberConnected.complete(null);
    publisherConnected.complete(null);
    answerToSentOffer.complete(null);
    answerToNextOffer.complete(null);
    reliableOpen.completeExceptionally(new IllegalStateException("session closed"));
    lossyOpen.completeExceptionally(new IllegalStateException("session closed"));
  }

  private static void watchOpen(RTCDataChannel channel, CompletableFuture<Void> open) {
    channel.registerObserver(
        new RTCDataChannelObserver() {
          @Override
          public void onBufferedAmountChange(long previous) {}

          @Override
          public void onStateChange() {
            if (channel.getState() == RTCDataChannelState.OPEN) {
              open.complete(null);
            }
          }

          @Override
          public void onMessage(RTCDataChannelBuffer buffer) {}
        });
  }

  private void onSignalThread(Runnable step) {
    try {
      signal.execute(step);
    } catch (RejectedExecutionException closing) {
      // The session is closing.
    }
  }

  // ---- callbacks from libwebrtc's threads: never block, never throw ----

  private final class Observer implements PeerConnectionObserver {
    private final SignalTarget target;

    Observer(SignalTarget target) {
      this.target = target;
    }

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      TrickleRequest trickle =
          TrickleRequest.newBuilder()
              .setCandidateInit(PeerConnections.candidateToJson(candidate))
              .setTarget(target)
              .build();
      onSignalThread(() -> listener.trickle(trickle));
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState state) {
      if (state == RTCPeerConnectionState.CONNECTED || state == RTCPeerConnectionState.FAILED) {
        connected(target).complete(null);
      }
      try {
        listener.connectionChanged(target, state);
      } catch (RuntimeException e) {
        LOG.warn("handling {} {} failed", target, state, e);
      }
    }

    @Override
    public void onTrack(RTCRtpTransceiver transceiver) {
      try {
        MediaStreamTrack track = transceiver.getReceiver().getTrack();
        if (track instanceof AudioTrack audio) {
          audio.setEnabled(false);
          listener.audioTrack(audio);
        }
      } catch (Throwable t) {
        LOG.warn("an incoming track failed", t);
      }
    }

    @Override
    public void onDataChannel(RTCDataChannel channel) {
      onSignalThread(() -> channels.add(channel));
      channel.registerObserver(
          new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previous) {}

            @Override
            public void onStateChange() {}

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
              try {
                byte[] bytes = new byte[buffer.data.remaining()];
                buffer.data.get(bytes);
                listener.data(DataPacket.parseFrom(bytes));
              } catch (InvalidProtocolBufferException | RuntimeException e) {
                LOG.debug("ignoring an undecodable data packet", e);
              }
            }
          });
    }
  }
}
