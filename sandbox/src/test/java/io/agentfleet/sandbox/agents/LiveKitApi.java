package io.agentfleet.sandbox.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The real server's Twirp JSON APIs the agent tests need: rooms, dispatches, participants. */
final class LiveKitApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A participant as {@code ListParticipants} shows it. */
  record Participant(
      String identity, String kind, Map<String, String> attributes, List<Track> tracks) {}

  /** One of its published tracks. */
  record Track(String name, String type, String source) {}

  private final String httpUrl;
  private final String apiKey;
  private final String apiSecret;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  LiveKitApi(String httpUrl, String apiKey, String apiSecret) {
    this.httpUrl = httpUrl;
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
  }

  /** Creates the room and an explicit dispatch of {@code agentName} into it; the dispatch id. */
  String dispatch(String room, String agentName, String metadata) throws IOException {
    twirp("livekit.RoomService/CreateRoom", room, JSON.createObjectNode().put("name", room));
    ObjectNode dispatch =
        JSON.createObjectNode()
            .put("room", room)
            .put("agent_name", agentName)
            .put("metadata", metadata);
    return twirp("livekit.AgentDispatchService/CreateDispatch", room, dispatch).path("id").asText();
  }

  /** Deletes the room: its participants are removed and its agent's job ends. */
  void deleteRoom(String room) throws IOException {
    twirp("livekit.RoomService/DeleteRoom", room, JSON.createObjectNode().put("room", room));
  }

  List<Participant> participants(String room) throws IOException {
    JsonNode answer =
        twirp(
            "livekit.RoomService/ListParticipants",
            room,
            JSON.createObjectNode().put("room", room));
    List<Participant> participants = new ArrayList<>();
    for (JsonNode p : answer.path("participants")) {
      Map<String, String> attributes = new TreeMap<>();
      p.path("attributes")
          .fields()
          .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      List<Track> tracks = new ArrayList<>();
      for (JsonNode t : p.path("tracks")) {
        tracks.add(
            new Track(
                t.path("name").asText(),
                t.path("type").asText("AUDIO"),
                t.path("source").asText("UNKNOWN")));
      }
      participants.add(
          new Participant(
              p.path("identity").asText(), p.path("kind").asText("STANDARD"), attributes, tracks));
    }
    return participants;
  }

  private JsonNode twirp(String method, String room, JsonNode body) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(httpUrl + "/twirp/" + method))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token(room))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            method + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** An HS256 access token that may create, list and administer {@code room}. */
  private String token(String room) {
    long now = Instant.now().getEpochSecond();
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", apiKey)
            .put("sub", "agent-sdk-test")
            .put("nbf", now - 5)
            .put("exp", now + 600);
    claims
        .putObject("video")
        .put("roomCreate", true)
        .put("roomList", true)
        .put("roomAdmin", true)
        .put("room", room);
    String input =
        B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
