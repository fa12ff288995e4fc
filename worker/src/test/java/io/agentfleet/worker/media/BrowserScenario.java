package io.agentfleet.worker.media;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
public final class BrowserScenario {
  public static void main(String[] args) {
    ScenarioProcess.exitWith("browser-scenario", () -> run(args[0], Path.of(args[1])));
  }

  private static int run(String host, Path project) throws Exception {
    boolean ok;
    boolean data;
    try (EchoRig rig = EchoRig.start(host)) {
      HttpServer web = HttpServer.create(new InetSocketAddress(host, 0), 0);
      serve(web, "/call.html", project.resolve("call.html"), "text/html");
      serve(
          web,
          "/livekit-client.umd.js",
          project.resolve("node_modules/livekit-client/dist/livekit-client.umd.js"),
          "text/javascript");
      web.start();
      rig.dispatch("browser-room", "{\"delay_ms\":100}");
      String page =
          "http://"
              + host
              + ":"
              + web.getAddress().getPort()
              + "/call.html?url="
              + URLEncoder.encode(rig.server.url(), StandardCharsets.UTF_8)
              + "&token="
              + URLEncoder.encode(
                  rig.token("browser-room", "chromium-caller"), StandardCharsets.UTF_8);
      String result = ScenarioProcess.runNode(project, List.of("node", "browser-call.mjs", page));
      ok = result.contains("\"ok\":true");
      System.out.println("CHECK browser-hears-java-echo " + (ok ? "ok " : "FAIL ") + result);
      data = result.contains("data echo hi from chromium");
      System.out.println("CHECK browser-data-echo " + (data ? "ok " : "FAIL ") + result);
      web.stop(0);
    }
    ScenarioProcess.closeMedia();
    return ok && data ? 0 : 1;
  }

  private static void serve(HttpServer web, String path, Path file, String type) {
    web.createContext(
        path,
        exchange -> {
          byte[] body = Files.readAllBytes(file);
          exchange.getResponseHeaders().add("Content-Type", type);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
  }
}
