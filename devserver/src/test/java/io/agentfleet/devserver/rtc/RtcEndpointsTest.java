package io.agentfleet.devserver.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.devserver.DevServer;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@code /rtc} that need no media: the 404s that make current clients fall back from
 * single-peer-connection {@code /rtc/v1} (with CORS, which the browser client needs to read the
 * validate reply), token validation, and refused joins. Media itself is tested from the worker.
 */
class RtcEndpointsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private DevServer server;

  @BeforeEach
  void start() throws Exception {
    server = DevServer.start(DevServer.Config.dev().withPort(0));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static String token(String identity, String room) {
    AccessToken token = new AccessToken("devkey", "secret");
    token.setIdentity(identity);
    token.addGrants(new RoomJoin(true), new RoomName(room));
    return token.toJwt();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.httpUrl() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void singlePeerConnectionPathsAre404WithCorsSoClientsFallBack() throws Exception {
    String query = "?access_token=" + token("alice", "call") + "&join_request=AAAA";
    for (String path : new String[] {"/rtc/v1", "/rtc/v1/validate"}) {
      HttpResponse<String> response = get(path + query);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }
  }

  @Test
  void theV1WebSocketUpgradeIsRefusedWith404() {
    CompletionException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class,
            () ->
                http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token("alice", "call"))
                    .buildAsync(
                        URI.create(server.url() + "/rtc/v1?join_request=AAAA"),
                        new WebSocket.Listener() {})
                    .join());
    assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
        .isEqualTo(404);
  }

  @Test
  void validateChecksTheTokenAsAJoinWould() throws Exception {
    assertThat(get("/rtc/validate?access_token=" + token("alice", "call")).statusCode())
        .isEqualTo(200);
    assertThat(get("/rtc/validate?access_token=garbage").statusCode()).isEqualTo(401);
    assertThat(get("/rtc/validate").statusCode()).isEqualTo(401);
    AccessToken noIdentity = new AccessToken("devkey", "secret");
    noIdentity.addGrants(new RoomName("call"));
    assertThat(get("/rtc/validate?access_token=" + noIdentity.toJwt()).statusCode())
        .as("no roomJoin grant")
        .isEqualTo(401);
  }

  @Test
  void aJoinWithABadTokenIsRefusedBeforeTheUpgrade() {
    CompletionException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class,
            () ->
                http.newWebSocketBuilder()
                    .buildAsync(
                        URI.create(server.url() + "/rtc?access_token=garbage&protocol=15"),
                        new WebSocket.Listener() {})
                    .join());
    assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
        .isEqualTo(401);
  }
}
