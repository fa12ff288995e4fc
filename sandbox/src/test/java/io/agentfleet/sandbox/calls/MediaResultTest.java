package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MediaResultTest {
  static final String LOG =
      """
      [main] INFO io.agentfleet.worker.room.RoomSession - joined call-3
      {"room":"call-3","frames":511,"loud_frames":421,"mean_rms":7126.2,"hz":440.0,"first_loud_ms":763}
      [main] INFO io.agentfleet.worker.room.RoomSession - room session ended: left
      VM attach current thread failed
      """;

  static Stream<Arguments> results() {
    return Stream.of(
        Arguments.of(
            "its own tone back",
            MediaResult.fromCallerOutput(440, LOG, 0),
            true,
            "sent 440Hz heard 440Hz loud 421 delay 763ms"),
        Arguments.of(
            "another tone",
            MediaResult.fromCallerOutput(600, LOG, 0),
            false,
            "sent 600Hz heard 440Hz loud 421 delay 763ms"),
        Arguments.of(
            "nothing loud",
            MediaResult.fromCallerOutput(
                440,
                "{\"room\":\"r\",\"frames\":400,\"loud_frames\":0,\"mean_rms\":0.0,\"hz\":0.0,"
                    + "\"first_loud_ms\":-1}",
                1),
            false,
            "sent 440Hz silent"),
        Arguments.of(
            "a few loud frames are not enough to be sure",
            new MediaResult(440, 440, 5, 300, null, true),
            false,
            "sent 440Hz heard 440Hz loud 5 delay 300ms"),
        Arguments.of(
            "a caller that crashed",
            MediaResult.fromCallerOutput(440, "Exception in thread \"main\", boom\n", 1),
            false,
            "sent 440Hz failed: caller exited with 1 and no measurement"),
        Arguments.of(
            "commas never break the ledger's columns",
            MediaResult.failed(440, "a, b\nc"),
            false,
            "sent 440Hz failed: a; b c"),
        Arguments.of("still in its call", MediaResult.inCall(350), false, "sent 350Hz in call"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void heardOwnToneAndLedgerColumn(
      String name, MediaResult result, boolean heardOwnTone, String csv) {
    assertThat(result.heardOwnTone()).isEqualTo(heardOwnTone);
    assertThat(result.csv()).isEqualTo(csv).doesNotContain(",");
  }
}
