package io.agentfleet.media;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitRtc.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking forms of the asynchronous peer-connection calls, and the LiveKit wire forms of SDP and
 * ICE candidates. Callers must hold no lock a peer-connection callback could need.
 */
public final class PeerConnections {
  private static final Logger LOG = LoggerFactory.getLogger(PeerConnections.class);
  private static final long TIMEOUT_SECONDS = 10;

  private PeerConnections() {}

  public static RTCSessionDescription offer(RTCPeerConnection pc) throws Exception {
    CompletableFuture<RTCSessionDescription> done = new CompletableFuture<>();
    pc.createOffer(new RTCOfferOptions(), observer(done));
    return await(done);
  }

  public static RTCSessionDescription answer(RTCPeerConnection pc) throws Exception {
    CompletableFuture<RTCSessionDescription> done = new CompletableFuture<>();
    pc.createAnswer(new RTCAnswerOptions(), observer(done));
    return await(done);
  }

  public static void setLocal(RTCPeerConnection pc, RTCSessionDescription sdp) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    pc.setLocalDescription(sdp, setObserver(done));
    await(done);
  }

  public static void setRemote(RTCPeerConnection pc, RTCSessionDescription sdp) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    pc.setRemoteDescription(sdp, setObserver(done));
    await(done);
  }

  public static SessionDescription toWire(RTCSessionDescription sdp, int id) {
    return SessionDescription.newBuilder()
        .setType(sdp.sdpType == RTCSdpType.OFFER ? "offer" : "answer")
        .setSdp(sdp.sdp)
        .setId(id)
        .build();
  }

  public static RTCSessionDescription fromWire(SessionDescription sdp) {
    RTCSdpType type =
        switch (sdp.getType()) {
          case "offer" -> RTCSdpType.OFFER;
          case "pranswer" -> RTCSdpType.PR_ANSWER;
          case "rollback" -> RTCSdpType.ROLLBACK;
          default -> RTCSdpType.ANSWER;
        };
    return new RTCSessionDescription(type, sdp.getSdp());
  }

  /** {@code TrickleRequest.candidateInit} is a JSON string of an RTCIceCandidateInit. */
  public static String candidateToJson(RTCIceCandidate c) {
    JsonObject json = new JsonObject();
    json.addProperty("candidate", c.sdp);
    json.addProperty("sdpMid", c.sdpMid);
    json.addProperty("sdpMLineIndex", c.sdpMLineIndex);
    return json.toString();
  }

  public static RTCIceCandidate candidateFromJson(String init) {
    JsonObject json = JsonParser.parseString(init).getAsJsonObject();
    String mid =
        json.has("sdpMid") && !json.get("sdpMid").isJsonNull()
            ? json.get("sdpMid").getAsString()
            : "0";
    int index =
        json.has("sdpMLineIndex") && !json.get("sdpMLineIndex").isJsonNull()
            ? json.get("sdpMLineIndex").getAsInt()
            : 0;
    return new RTCIceCandidate(mid, index, json.get("candidate").getAsString());
  }

  /**
   * Frees what one participant's session holds, in the order the media probe found safe: data
   * channels closed, connections closed, audio outputs disposed, channels disposed (never the
   * tracks). Run it on the thread that negotiates, so no negotiation runs meanwhile; empties both
   * lists. Null connections (never created) are skipped.
   */
  public static void release(
      List<RTCDataChannel> channels, List<AudioOutput> outputs, RTCPeerConnection... connections) {
    for (RTCDataChannel channel : channels) {
      try {
        channel.unregisterObserver();
        channel.close();
      } catch (Throwable e) {
        LOG.debug("closing data channel", e);
      }
    }
    for (RTCPeerConnection pc : connections) {
      if (pc != null) {
        pc.close();
      }
    }
    synchronized (outputs) {
      outputs.forEach(AudioOutput::dispose);
      outputs.clear();
    }
    for (RTCDataChannel channel : channels) {
      try {
        channel.dispose();
      } catch (Throwable e) {
        LOG.debug("disposing data channel", e);
      }
    }
    channels.clear();
  }

  private static CreateSessionDescriptionObserver observer(
      CompletableFuture<RTCSessionDescription> done) {
    return new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription description) {
        done.complete(description);
      }

      @Override
      public void onFailure(String error) {
        done.completeExceptionally(new IllegalStateException(error));
      }
    };
  }

  private static SetSessionDescriptionObserver setObserver(CompletableFuture<Void> done) {
    return new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        done.complete(null);
      }

      @Override
      public void onFailure(String error) {
        done.completeExceptionally(new IllegalStateException(error));
      }
    };
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "peer connection did not answer in " + TIMEOUT_SECONDS + " s");
    }
  }
}
