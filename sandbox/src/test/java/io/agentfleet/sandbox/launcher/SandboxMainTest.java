package io.agentfleet.sandbox.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SandboxMainTest {
  @Test
  void theNamespacedSandboxGetsThePortsChosenOutsideWhateverFormTheyWereGivenIn() {
    assertThat(
            SandboxMain.withOption(
                List.of("--api-port", "0", "--media", "2", "--livekit-port=7880"),
                "--api-port",
                "41000"))
        .containsExactly("--media", "2", "--livekit-port=7880", "--api-port", "41000");
    assertThat(SandboxMain.withOption(List.of("--livekit-port=7880"), "--livekit-port", "7881"))
        .containsExactly("--livekit-port", "7881");
    assertThat(SandboxMain.withOption(List.of(), "--api-port", "1"))
        .containsExactly("--api-port", "1");
  }

  @Test
  void aNegativeMediaCountIsRefusedWithExitCode2() {
    PrintStream console = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new SandboxMain()).execute("--media", "-1");
    } finally {
      System.setErr(console);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--media wants");
  }

  @Test
  void helpDescribesMedia() {
    String help = new CommandLine(new SandboxMain()).getUsageMessage().replaceAll("\\s+", " ");
    assertThat(help)
        .contains("--media=N Up to N calls at a time", "private network namespace")
        .doesNotContain("not available");
  }
}
