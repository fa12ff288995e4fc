package io.agentfleet.operator.webhook;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.server.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * The webhook endpoint's judgement of one request, before anything acts on it: the body is bounded,
 * the Authorization header is LiveKit's signature (a JWT issued by our API key, signed with its
 * secret, not expired, whose sha256 claim is the body's hash), and the body is a WebhookEvent.
 * Anything else is {@link Refused} with the HTTP status to answer; no other exception escapes.
 */
public final class WebhookVerifier {

  /** LiveKit's webhooks are a few KiB; a MiB is far beyond any real one. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final WebhookReceiver receiver;

  public WebhookVerifier(String apiKey, String apiSecret) {
    this.receiver = new WebhookReceiver(apiKey, apiSecret);
  }

  public WebhookEvent verify(String body, String authorization) {
    if (body == null) {
      throw new Refused(400, "no body");
    }
    // Characters first: cheap, and a body of more characters than the limit has more bytes too.
    if (body.length() > MAX_BODY_BYTES
        || body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
      throw new Refused(413, "body larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (authorization == null || authorization.isBlank()) {
      throw new Refused(401, "missing Authorization header");
    }
    // LiveKit sends the raw JWT; accept a Bearer prefix too.
    String token = authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
    try {
      return receiver.receive(body, token);
    } catch (Exception e) {
      // Signed, but not a WebhookEvent (the receiver parses after it verifies).
      if (e instanceof InvalidProtocolBufferException) {
        throw new Refused(400, "not a WebhookEvent: " + e.getMessage());
      }
      // The JWT library's messages name the failing claim, never the secret.
      throw new Refused(401, "signature rejected: " + e.getMessage());
    }
  }

  /** Not accepted; {@link #status()} is the HTTP status to answer with. */
  public static final class Refused extends RuntimeException {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
