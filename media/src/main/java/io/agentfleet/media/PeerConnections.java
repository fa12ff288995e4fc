package io.agentfleet.media;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitRtc.SessionDescription;

/**
 * Blocking forms of the asynchronous peer-connection calls, and the LiveKit wire forms of SDP and
 * ICE candidates. Callers must hold no lock a peer-connection callback could need.
 */
public final class PeerConnections {
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
