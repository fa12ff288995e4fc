package io.agentfleet.worker.media;

import java.nio.file.Path;
import java.util.List;

/**
 * The browser interop scenario, as a program run inside the private network namespace: a devserver,
 * a worker running the echo agent, a small web server for {@code call.html} and the {@code
 * livekit-client} bundle, and {@code node browser-call.mjs} driving headless Chromium. Prints
 * {@code CHECK} lines like {@link MediaScenarios} and always ends the JVM itself.
 *
 * <p>Arguments: the address to bind, the browser npm project's directory.
 */
public final class RtcNodeScenario {
  public static void main(String[] args) {
    ScenarioProcess.exitWith("rtc-node-scenario", () -> run(args[0], Path.of(args[1])));
  }

  private static int run(String host, Path project) throws Exception {
    boolean ok;
    try (EchoRig rig = EchoRig.start(host)) {
      rig.dispatch("node-room", "{\"delay_ms\":100}");
      String result =
          ScenarioProcess.runNode(
              project,
              List.of(
                  "node",
                  "rtc-call.mjs",
                  rig.server.url(),
                  rig.token("node-room", "rtc-node-caller")));
      ok = result.contains("\"ok\":true");
      System.out.println("CHECK rtc-node-hears-java-echo " + (ok ? "ok " : "FAIL ") + result);
    }
    ScenarioProcess.closeMedia();
    return ok ? 0 : 1;
  }
}
