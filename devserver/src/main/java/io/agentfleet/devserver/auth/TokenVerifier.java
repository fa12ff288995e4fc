package io.agentfleet.devserver.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies LiveKit access tokens the way the Go server does: HS256 only, {@code iss} names the API
 * key whose secret must verify the signature, {@code exp} is required, one minute of leeway.
 */
public final class TokenVerifier {
  private static final long LEEWAY_SECONDS = 60;

  private final Map<String, String> secretsByKey;

  public TokenVerifier(Map<String, String> secretsByKey) {
    this.secretsByKey = Map.copyOf(secretsByKey);
  }

  /** Reads the token from {@code Authorization: Bearer} or, failing that, {@code access_token}. */
  public static String tokenFrom(String authorizationHeader, String accessTokenParam)
      throws AuthException {
    if (authorizationHeader != null && !authorizationHeader.isEmpty()) {
      if (!authorizationHeader.startsWith("Bearer ")) {
        throw new AuthException("invalid authorization header. Must start with Bearer ");
      }
      return authorizationHeader.substring("Bearer ".length()).trim();
    }
    if (accessTokenParam != null && !accessTokenParam.isEmpty()) {
      return accessTokenParam;
    }
    throw new AuthException("no authorization token");
  }

  public Claims verify(String token) throws AuthException {
    DecodedJWT unverified;
    try {
      unverified = JWT.decode(token);
    } catch (JWTVerificationException e) {
      throw new AuthException("invalid token: " + e.getMessage());
    }
    String apiKey = unverified.getIssuer();
    String secret = apiKey == null ? null : secretsByKey.get(apiKey);
    if (secret == null) {
      throw new AuthException("invalid API key: " + apiKey);
    }
    if (!"HS256".equals(unverified.getAlgorithm())) {
      throw new AuthException("unsupported signing algorithm " + unverified.getAlgorithm());
    }
    if (unverified.getExpiresAt() == null) {
      throw new AuthException("token has no expiry");
    }
    DecodedJWT verified;
    try {
      verified =
          JWT.require(Algorithm.HMAC256(secret))
              .withIssuer(apiKey)
              .acceptLeeway(LEEWAY_SECONDS)
              .build()
              .verify(unverified);
    } catch (JWTVerificationException e) {
      throw new AuthException("invalid token: " + e.getMessage());
    }
    Map<String, Object> video = verified.getClaim("video").asMap();
    String subject = verified.getSubject();
    String name = verified.getClaim("name").asString();
    String kind = verified.getClaim("kind").asString();
    String metadata = verified.getClaim("metadata").asString();
    Map<String, String> attributes = new HashMap<>();
    Map<String, Object> rawAttributes = verified.getClaim("attributes").asMap();
    if (rawAttributes != null) {
      rawAttributes.forEach((k, v) -> attributes.put(k, String.valueOf(v)));
    }
    return new Claims(
        apiKey,
        subject == null ? "" : subject,
        video == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(video)),
        name == null ? "" : name,
        kind == null ? "" : kind,
        metadata == null ? "" : metadata,
        Collections.unmodifiableMap(attributes));
  }

  public String secretFor(String apiKey) {
    return secretsByKey.get(apiKey);
  }
}
