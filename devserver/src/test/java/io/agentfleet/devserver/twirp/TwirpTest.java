package io.agentfleet.devserver.twirp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.devserver.DevServer;
import io.livekit.server.AccessToken;
import io.livekit.server.AgentDispatchServiceClient;
import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomList;
import io.livekit.server.RoomName;
import io.livekit.server.RoomServiceClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitModels.Room;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import retrofit2.Response;

/**
 * Twirp as the LiveKit Kotlin/Java SDK speaks it (protobuf) and as curl or Node would (JSON), with
 * the grants the real server checks.
 */
class TwirpTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private DevServer server;
  private RoomServiceClient roomsClient;
  private AgentDispatchServiceClient dispatchClient;

  @BeforeEach
  void start() throws Exception {
    server = DevServer.start(DevServer.Config.dev().withPort(0));
    roomsClient = RoomServiceClient.createClient(server.httpUrl(), "devkey", "secret");
    dispatchClient = AgentDispatchServiceClient.createClient(server.httpUrl(), "devkey", "secret");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void kotlinSdkCreatesListsAndDeletesRooms() throws Exception {
    Room created = roomsClient.createRoom("lobby", 60, 5).execute().body();
    assertThat(created.getName()).isEqualTo("lobby");
    assertThat(created.getSid()).startsWith("RM_");
    assertThat(created.getEmptyTimeout()).isEqualTo(60);
    assertThat(created.getMaxParticipants()).isEqualTo(5);

    Room again = roomsClient.createRoom("lobby").execute().body();
    assertThat(again.getSid()).as("CreateRoom is idempotent").isEqualTo(created.getSid());

    List<Room> listed = roomsClient.listRooms().execute().body();
    assertThat(listed).extracting(Room::getName).containsExactly("lobby");
    assertThat(roomsClient.listParticipants("lobby").execute().body()).isEmpty();

    assertThat(roomsClient.deleteRoom("lobby").execute().isSuccessful()).isTrue();
    assertThat(roomsClient.listRooms().execute().body()).isEmpty();
    Response<Void> gone = roomsClient.deleteRoom("lobby").execute();
    assertThat(gone.code()).isEqualTo(404);
  }

  @Test
  void kotlinSdkCreatesListsAndDeletesDispatches() throws Exception {
    AgentDispatch dispatch =
        dispatchClient.createDispatch("support", "voice-agent", "{\"hold_ms\":1}").execute().body();
    assertThat(dispatch.getId()).startsWith("AD_");
    assertThat(dispatch.getRoom()).isEqualTo("support");
    assertThat(server.rooms().room("support")).as("room created on demand").isPresent();

    // As on livekit-server, the room the dispatch created has the automatic dispatch too.
    List<AgentDispatch> listed = dispatchClient.listDispatch("support").execute().body();
    assertThat(listed).extracting(AgentDispatch::getId).hasSize(2).contains(dispatch.getId());
    assertThat(listed).extracting(AgentDispatch::getAgentName).containsOnly("voice-agent", "");
    assertThat(listed.get(0).getState().getCreatedAt()).isPositive();

    AgentDispatch deleted =
        dispatchClient.deleteDispatch("support", dispatch.getId()).execute().body();
    assertThat(deleted.getState().getDeletedAt()).isPositive();
    assertThat(dispatchClient.listDispatch("support").execute().body())
        .extracting(AgentDispatch::getAgentName)
        .containsExactly("");
  }

  @Test
  void jsonRepliesUseProtoFieldNamesWithDefaults() throws Exception {
    HttpResponse<String> reply =
        post(
            "/twirp/livekit.RoomService/CreateRoom",
            token(new io.livekit.server.RoomCreate(true)),
            "application/json; charset=utf-8",
            "{\"name\":\"json-room\",\"emptyTimeout\":30}");

    assertThat(reply.statusCode()).isEqualTo(200);
    JsonObject room = JsonParser.parseString(reply.body()).getAsJsonObject();
    assertThat(room.get("name").getAsString()).isEqualTo("json-room");
    assertThat(room.get("empty_timeout").getAsInt()).isEqualTo(30);
    assertThat(room.has("max_participants")).as("defaults emitted").isTrue();
    assertThat(room.get("creation_time").isJsonPrimitive()).isTrue();
  }

  @Test
  void aMissingGrantIsATwirpUnauthenticatedError() throws Exception {
    HttpResponse<String> reply =
        post(
            "/twirp/livekit.RoomService/CreateRoom",
            token(new RoomList(true)),
            "application/json",
            "{\"name\":\"x\"}");

    assertThat(reply.statusCode()).isEqualTo(401);
    JsonObject error = JsonParser.parseString(reply.body()).getAsJsonObject();
    assertThat(error.get("code").getAsString()).isEqualTo("unauthenticated");
    assertThat(error.get("msg").getAsString()).isEqualTo("permissions denied");
  }

  @Test
  void dispatchRpcsNeedRoomAdminForThatRoom() throws Exception {
    String otherRoom = token(new RoomAdmin(true), new RoomName("other"));
    HttpResponse<String> reply =
        post(
            "/twirp/livekit.AgentDispatchService/CreateDispatch",
            otherRoom,
            "application/json",
            "{\"room\":\"mine\",\"agent_name\":\"a\"}");
    assertThat(reply.statusCode()).isEqualTo(401);

    String mine = token(new RoomAdmin(true), new RoomName("mine"));
    reply =
        post(
            "/twirp/livekit.AgentDispatchService/CreateDispatch",
            mine,
            "application/json",
            "{\"room\":\"mine\",\"agent_name\":\"a\"}");
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(
            JsonParser.parseString(reply.body()).getAsJsonObject().get("agent_name").getAsString())
        .isEqualTo("a");
  }

  @Test
  void aBadTokenIsAPlainTextUnauthorized() throws Exception {
    HttpResponse<String> reply =
        post("/twirp/livekit.RoomService/ListRooms", "not-a-jwt", "application/json", "{}");

    assertThat(reply.statusCode()).isEqualTo(401);
    assertThat(reply.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
  }

  @Test
  void routesAndContentTypesAreChecked() throws Exception {
    String admin = token(new RoomList(true));
    HttpResponse<String> unknown =
        post("/twirp/livekit.RoomService/Nope", admin, "application/json", "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("bad_route");

    HttpResponse<String> badType =
        post("/twirp/livekit.RoomService/ListRooms", admin, "text/xml", "{}");
    assertThat(badType.statusCode()).isEqualTo(404);
    assertThat(badType.body()).contains("bad_route");

    HttpResponse<String> doubleSlash =
        post("//twirp/livekit.RoomService/ListRooms", admin, "application/json", "{}");
    assertThat(doubleSlash.statusCode()).isEqualTo(200);

    HttpResponse<String> malformed =
        post("/twirp/livekit.RoomService/ListRooms", admin, "application/json", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("malformed");
  }

  @Test
  void anErrorAnswerLeavesTheConnectionUsableForTheNextRequest() throws Exception {
    String admin = token(new RoomList(true));
    String badType =
        "POST /twirp/livekit.RoomService/ListRooms HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer "
            + admin
            + "\r\nContent-Type: text/xml\r\nContent-Length: 2\r\n\r\n";
    String good =
        "POST /twirp/livekit.RoomService/ListRooms HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer "
            + admin
            + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      // The body of the refused request arrives after its headers, as the JDK client sends it.
      out.write(badType.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);
      out.write("{}".getBytes(StandardCharsets.US_ASCII));
      out.write(good.getBytes(StandardCharsets.US_ASCII));
      out.flush();

      String answers = readUntil(socket.getInputStream(), "\"rooms\"");
      assertThat(answers).startsWith("HTTP/1.1 404").contains("bad_route");
      assertThat(answers.indexOf("HTTP/1.1 200")).as(answers).isPositive();
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedAndTheConnectionClosed() throws Exception {
    String admin = token(new RoomList(true));
    HttpResponse<String> tooLarge =
        post(
            "/twirp/livekit.RoomService/ListRooms",
            admin,
            "application/json",
            " ".repeat(10 * 1024 * 1024 + 1));

    assertThat(tooLarge.statusCode()).isEqualTo(400);
    assertThat(tooLarge.body()).contains("invalid_argument", "too large");
    assertThat(tooLarge.headers().firstValue("connection")).hasValue("close");
  }

  private static String readUntil(InputStream in, String marker) throws Exception {
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[4096];
    int n;
    try {
      while (!text.toString().contains(marker) && (n = in.read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (java.net.SocketTimeoutException e) {
      // what arrived is the answer
    }
    return text.toString();
  }

  private String token(io.livekit.server.VideoGrant... grants) {
    AccessToken token = new AccessToken("devkey", "secret");
    token.addGrants(grants);
    return token.toJwt();
  }

  private HttpResponse<String> post(String path, String token, String type, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.httpUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
