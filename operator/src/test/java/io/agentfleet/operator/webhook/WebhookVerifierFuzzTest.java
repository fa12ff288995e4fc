package io.agentfleet.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Anyone who reaches port 8080 can POST to {@code /livekit/webhook}. Whatever the body and the
 * Authorization header, the verifier accepts a signed WebhookEvent or refuses with 400, 401 or 413;
 * no other exception. Half the inputs are signed with the right key so the fuzzer reaches the event
 * parser behind the signature. Seeds in {@code WebhookVerifierFuzzTestInputs/anyRequest}.
 */
class WebhookVerifierFuzzTest {

  static final WebhookVerifier VERIFIER =
      new WebhookVerifier(SignedWebhooks.KEY, SignedWebhooks.SECRET);

  @FuzzTest(maxDuration = "30s")
  void anyRequest(FuzzedDataProvider data) {
    boolean signed = data.consumeBoolean();
    String authorization = signed ? null : data.consumeString(600);
    String body = data.consumeRemainingAsString();
    if (signed) {
      authorization = SignedWebhooks.sign(body);
    }
    try {
      VERIFIER.verify(body, authorization);
      assertThat(signed).as("accepted without our signature").isTrue();
    } catch (WebhookVerifier.Refused refused) {
      assertThat(refused.status()).isIn(400, 401, 413);
      if (signed) {
        assertThat(refused.status()).as(refused.getMessage()).isNotEqualTo(401);
      }
    }
  }
}
