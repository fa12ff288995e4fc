package io.agentfleet.devserver.agent;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames a worker sends to {@code /agent}, binary protobuf or JSON text: each decodes to a
 * WorkerMessage or is InvalidProtocolBufferException (the socket is then closed with BAD_DATA),
 * never another exception. The last byte picks the encoding. Seeds in {@code
 * AgentFrameFuzzTestInputs/anyFrame}.
 */
class AgentFrameFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyFrame(FuzzedDataProvider data) {
    boolean text = data.consumeBoolean();
    byte[] frame = data.consumeRemainingAsBytes();
    try {
      if (text) {
        AgentSocket.decodeJson(new String(frame, StandardCharsets.UTF_8));
      } else {
        AgentSocket.decode(ByteBuffer.wrap(frame));
      }
    } catch (InvalidProtocolBufferException refused) {
      // the documented answer to a bad frame
    }
  }
}
