package io.agentfleet.devserver.rtc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;

/**
 * A client's {@code /rtc} signalling frame: a SignalRequest or InvalidProtocolBufferException (the
 * frame is then ignored), never another exception. Seeds in {@code
 * SignalFrameFuzzTestInputs/anyFrame}.
 */
class SignalFrameFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyFrame(byte[] frame) {
    try {
      RtcParticipant.decode(ByteBuffer.wrap(frame));
    } catch (InvalidProtocolBufferException refused) {
      // the documented answer to a bad frame
    }
  }
}
