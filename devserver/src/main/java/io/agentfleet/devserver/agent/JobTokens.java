package io.agentfleet.devserver.agent;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitModels.ParticipantPermission;

/**
 * Builds the room token handed to a worker with its job, as {@code agent/token.go BuildAgentToken}:
 * 1 h, kind "agent", a room-join grant for the job's room with the permissions the worker
 * registered with, and the identity the worker chose.
 */
final class JobTokens {
  static final Duration VALIDITY = Duration.ofHours(1);

  private JobTokens() {}

  static String build(
      String apiKey,
      String secret,
      Job job,
      String workerAgentName,
      ParticipantPermission permissions,
      AvailabilityResponse answer,
      Instant now) {
    Map<String, Object> video = new LinkedHashMap<>();
    video.put("roomJoin", true);
    video.put("room", job.getRoom().getName());
    video.put("agent", true);
    video.put("canSubscribe", permissions.getCanSubscribe());
    video.put("canPublish", permissions.getCanPublish());
    video.put("canPublishData", permissions.getCanPublishData());
    video.put("canUpdateOwnMetadata", permissions.getCanUpdateMetadata());
    video.put("canSubscribeMetrics", permissions.getCanSubscribeMetrics());
    video.put("hidden", permissions.getHidden());
    Map<String, Object> attributes = new HashMap<>(answer.getParticipantAttributesMap());
    attributes.put("lk.agent_name", workerAgentName);
    return JWT.create()
        .withIssuer(apiKey)
        .withSubject(
            answer.getParticipantIdentity().isEmpty() ? null : answer.getParticipantIdentity())
        .withNotBefore(now)
        .withExpiresAt(now.plus(VALIDITY))
        .withClaim("name", answer.getParticipantName())
        .withClaim("metadata", answer.getParticipantMetadata())
        .withClaim("attributes", attributes)
        .withClaim("kind", "agent")
        .withClaim("video", video)
        .sign(Algorithm.HMAC256(secret));
  }
}
