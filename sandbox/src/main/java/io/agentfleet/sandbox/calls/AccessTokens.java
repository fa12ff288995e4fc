package io.agentfleet.sandbox.calls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * LiveKit access tokens (HS256 JWTs whose {@code iss} is the API key and whose {@code video} claim
 * holds the grants), enough for the room and dispatch APIs and for a worker of the agent protocol;
 * written out so the sandbox needs no LiveKit SDK on its class path.
 */
public final class AccessTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private AccessTokens() {}

  /** A token that may create rooms and administer {@code room}. */
  static String roomAdmin(String apiKey, String apiSecret, String room, Instant now) {
    return signed(
        apiKey,
        apiSecret,
        now,
        "{\"roomCreate\":true,\"roomList\":true,\"roomAdmin\":true,\"room\":\"" + room + "\"}");
  }

  /** A token for the agent protocol ({@code /agent}): the {@code agent} grant only. */
  public static String worker(String apiKey, String apiSecret, Instant now) {
    return signed(apiKey, apiSecret, now, "{\"agent\":true}");
  }

  private static String signed(String apiKey, String apiSecret, Instant now, String grants) {
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    long nbf = now.getEpochSecond();
    long exp = now.plus(Duration.ofMinutes(10)).getEpochSecond();
    String payload =
        "{\"iss\":\""
            + apiKey
            + "\",\"sub\":\"agentfleet-sandbox\",\"nbf\":"
            + nbf
            + ",\"exp\":"
            + exp
            + ",\"video\":"
            + grants
            + "}";
    String signingInput =
        B64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput
          + "."
          + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
