package io.agentfleet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher's side of the real LiveKit server; the protocol suites live with the worker. */
class LiveKitServerTest {
  private static final String SECRET = "a-secret-that-must-stay-out-of-logs-0123456789";

  @Test
  void startsFromItsConfigKeepsTheSecretPrivateAndComesBackOnTheSamePort() throws Exception {
    Path dir =
        Path.of(System.getProperty("controlplane.workdir", "target/controlplane-tests"))
            .resolve("LiveKitServerTest");
    try (LiveKitServer server =
        LiveKitServer.start(
            LiveKitServer.Options.in(dir, "testkey", SECRET)
                .withWebhooks(List.of("http://127.0.0.1:9/hook")))) {
      assertThat(get(server.httpUrl() + "/")).isEqualTo(200);
      Path config = dir.resolve("livekit.yaml");
      assertThat(Files.readString(config))
          .contains("testkey: " + SECRET, "- http://127.0.0.1:9/hook");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
          .isEqualTo("rw-------");

      int port = server.port();
      server.restart();
      assertThat(server.port()).isEqualTo(port);
      assertThat(get(server.httpUrl() + "/")).isEqualTo(200);
      assertThat(Files.readString(server.log())).doesNotContain(SECRET);
    }
  }

  private static int get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
