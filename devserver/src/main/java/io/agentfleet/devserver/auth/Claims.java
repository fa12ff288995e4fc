package io.agentfleet.devserver.auth;

import java.util.Map;

/**
 * The parts of a verified LiveKit JWT the devserver acts on.
 *
 * @param apiKey the {@code iss} claim, i.e. the API key whose secret verified the token
 * @param identity the {@code sub} claim, empty when absent
 * @param video the {@code video} grant claim as a plain map (LiveKit's camelCase keys)
 * @param name the {@code name} claim, empty when absent
 * @param kind the {@code kind} claim in lower case (e.g. {@code agent}), empty when absent
 * @param metadata the {@code metadata} claim, empty when absent
 * @param attributes the {@code attributes} claim (string values), empty when absent
 */
public record Claims(
    String apiKey,
    String identity,
    Map<String, Object> video,
    String name,
    String kind,
    String metadata,
    Map<String, String> attributes) {

  /** A grant that defaults to true when the token leaves it out, as {@code canPublish}. */
  public boolean grantOrTrue(String name) {
    return !Boolean.FALSE.equals(video.get(name));
  }

  public boolean grant(String name) {
    return Boolean.TRUE.equals(video.get(name));
  }

  public String room() {
    Object room = video.get("room");
    return room == null ? "" : room.toString();
  }
}
