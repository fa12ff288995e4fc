package io.agentfleet.sandbox.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * The LiveKit server as callers and the ledger see it: Twirp {@code CreateRoom}, {@code
 * CreateDispatch} and {@code DeleteRoom} (JSON).
 */
public final class LiveKitRooms {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String httpUrl;
  private final String apiKey;
  private final String apiSecret;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param httpUrl e.g. {@code http://127.0.0.1:7880}
   */
  public LiveKitRooms(String httpUrl, String apiKey, String apiSecret, Clock clock) {
    this.httpUrl = httpUrl;
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.clock = clock;
  }

  /** Creates the room and dispatches the agent into it; returns the dispatch id. */
  public String dispatch(String room, String agentName, String metadata) throws IOException {
    ObjectNode createRoom = JSON.createObjectNode().put("name", room);
    twirp("livekit.RoomService/CreateRoom", room, createRoom);
    ObjectNode dispatch =
        JSON.createObjectNode()
            .put("room", room)
            .put("agent_name", agentName)
            .put("metadata", metadata);
    return twirp("livekit.AgentDispatchService/CreateDispatch", room, dispatch).path("id").asText();
  }

  /** Deletes the room, which ends its agent's job (as {@code JobTermination}). */
  public void deleteRoom(String room) throws IOException {
    twirp("livekit.RoomService/DeleteRoom", room, JSON.createObjectNode().put("room", room));
  }

  private JsonNode twirp(String method, String room, JsonNode body) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(httpUrl + "/twirp/" + method))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(
                "Authorization",
                "Bearer " + AccessTokens.roomAdmin(apiKey, apiSecret, room, clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return JSON.readTree(send(request));
  }

  private String send(HttpRequest request) throws IOException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            request.uri().getPath()
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
