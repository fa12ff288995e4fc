package io.agentfleet.operator.webhook;

import com.google.protobuf.util.JsonFormat;
import io.livekit.server.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;

/** Webhook bodies and signatures made as the LiveKit server makes them. */
final class SignedWebhooks {
  static final String KEY = "testkey";
  static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

  private SignedWebhooks() {}

  static String event(String id, String kind, String room, ParticipantInfo.Kind participant) {
    WebhookEvent.Builder event =
        WebhookEvent.newBuilder()
            .setId(id)
            .setEvent(kind)
            .setRoom(Room.newBuilder().setName(room).setSid("RM_" + room))
            .setCreatedAt(System.currentTimeMillis() / 1000);
    if (participant != null) {
      event.setParticipant(
          ParticipantInfo.newBuilder().setIdentity("p-" + id).setKind(participant));
    }
    try {
      return JsonFormat.printer().print(event.build());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(String body) {
    return sign(body, KEY, SECRET, null);
  }

  /** A JWT issued by key, signed with secret, whose sha256 claim is the body's hash. */
  static String sign(String body, String key, String secret, Date expiration) {
    AccessToken token = new AccessToken(key, secret);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      token.setSha256(Base64.getEncoder().encodeToString(digest));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (expiration != null) {
      token.setExpiration(expiration);
    }
    return token.toJwt();
  }
}
