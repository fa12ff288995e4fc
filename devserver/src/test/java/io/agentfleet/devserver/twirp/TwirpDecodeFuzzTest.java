package io.agentfleet.devserver.twirp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import java.util.List;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.DeleteAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchRequest;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.DeleteRoomRequest;
import livekit.LivekitRoom.ListParticipantsRequest;
import livekit.LivekitRoom.ListRoomsRequest;

/**
 * Twirp request bodies, JSON or protobuf, for every method the devserver serves: each decodes to
 * the method's type or is a {@code malformed} {@link TwirpException} (400), never another
 * exception. The first byte picks the method, the last the encoding. Seeds in {@code
 * TwirpDecodeFuzzTestInputs/anyBody}.
 */
class TwirpDecodeFuzzTest {

  static final List<Message> REQUESTS =
      List.of(
          CreateRoomRequest.getDefaultInstance(),
          ListRoomsRequest.getDefaultInstance(),
          DeleteRoomRequest.getDefaultInstance(),
          ListParticipantsRequest.getDefaultInstance(),
          CreateAgentDispatchRequest.getDefaultInstance(),
          DeleteAgentDispatchRequest.getDefaultInstance(),
          ListAgentDispatchRequest.getDefaultInstance());

  @FuzzTest(maxDuration = "30s")
  void anyBody(FuzzedDataProvider data) {
    Message prototype = data.pickValue(REQUESTS);
    boolean json = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    try {
      Message decoded = TwirpHandler.decode(prototype, body, json);
      assertThat(decoded).isInstanceOf(prototype.getClass());
    } catch (TwirpException e) {
      assertThat(e.httpStatus()).isEqualTo(400);
    }
  }
}
