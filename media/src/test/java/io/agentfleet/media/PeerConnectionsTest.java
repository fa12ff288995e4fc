package io.agentfleet.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import org.junit.jupiter.api.Test;

/** The LiveKit wire forms of candidates and descriptions (no native code involved). */
class PeerConnectionsTest {

  @Test
  void candidatesTravelAsAJsonStringOfAnIceCandidateInit() {
    RTCIceCandidate c =
        new RTCIceCandidate("0", 0, "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host");
    String json = PeerConnections.candidateToJson(c);
    assertThat(json).contains("\"sdpMid\":\"0\"").contains("\"sdpMLineIndex\":0");
    RTCIceCandidate back = PeerConnections.candidateFromJson(json);
    assertThat(back.sdp).isEqualTo(c.sdp);
    assertThat(back.sdpMid).isEqualTo("0");
    assertThat(back.sdpMLineIndex).isZero();
  }

  @Test
  void aBrowserCandidateWithNullFieldsIsAccepted() {
    RTCIceCandidate c =
        PeerConnections.candidateFromJson(
            "{\"candidate\":\"candidate:2 1 udp 1 10.0.0.2 5 typ host\",\"sdpMid\":null,"
                + "\"sdpMLineIndex\":null,\"usernameFragment\":\"abc\"}");
    assertThat(c.sdpMid).isEqualTo("0");
    assertThat(c.sdpMLineIndex).isZero();
  }

  @Test
  void descriptionsMapToLiveKitTypeNames() {
    RTCSessionDescription offer = new RTCSessionDescription(RTCSdpType.OFFER, "v=0");
    assertThat(PeerConnections.toWire(offer, 3).getType()).isEqualTo("offer");
    assertThat(PeerConnections.toWire(offer, 3).getId()).isEqualTo(3);
    assertThat(
            PeerConnections.fromWire(
                    livekit.LivekitRtc.SessionDescription.newBuilder()
                        .setType("answer")
                        .setSdp("v=0")
                        .build())
                .sdpType)
        .isEqualTo(RTCSdpType.ANSWER);
  }
}
