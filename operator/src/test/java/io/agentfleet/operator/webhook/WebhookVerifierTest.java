package io.agentfleet.operator.webhook;

import static io.agentfleet.operator.webhook.SignedWebhooks.KEY;
import static io.agentfleet.operator.webhook.SignedWebhooks.SECRET;
import static io.agentfleet.operator.webhook.SignedWebhooks.event;
import static io.agentfleet.operator.webhook.SignedWebhooks.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Date;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookVerifierTest {

  static final String BODY = event("EV_1", "room_started", "call-1", null);

  final WebhookVerifier verifier = new WebhookVerifier(KEY, SECRET);

  @Test
  void liveKitsSignatureIsAcceptedRawOrAsBearer() {
    assertThat(verifier.verify(BODY, sign(BODY)).getRoom().getName()).isEqualTo("call-1");
    assertThat(verifier.verify(BODY, "Bearer " + sign(BODY)).getId()).isEqualTo("EV_1");
  }

  static Stream<Arguments> refused() {
    String other = event("EV_2", "room_started", "call-2", null);
    Date past = new Date(System.currentTimeMillis() - 60_000);
    Function<String, String> none = b -> null;
    return Stream.of(
        Arguments.of("missing", none, 401),
        Arguments.of("blank", (Function<String, String>) b -> " ", 401),
        Arguments.of("not a JWT", (Function<String, String>) b -> "not-a-jwt", 401),
        Arguments.of(
            "another key's pair",
            (Function<String, String>)
                b -> sign(b, "otherkey", "other-secret-that-is-long-enough-for-hs", null),
            401),
        Arguments.of(
            "our key, wrong secret",
            (Function<String, String>)
                b -> sign(b, KEY, "wrong-secret-wrong-secret-wrong-secret", null),
            401),
        Arguments.of(
            "our secret, another issuer",
            (Function<String, String>) b -> sign(b, "otherkey", SECRET, null),
            401),
        Arguments.of("expired", (Function<String, String>) b -> sign(b, KEY, SECRET, past), 401),
        Arguments.of("signed for another body", (Function<String, String>) b -> sign(other), 401),
        Arguments.of(
            "signed body with a byte changed",
            (Function<String, String>) b -> sign(b.replace("call-1", "call-9")),
            401));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String why, Function<String, String> authorization, int status) {
    WebhookVerifier.Refused refused =
        catchThrowableOfType(
            WebhookVerifier.Refused.class, () -> verifier.verify(BODY, authorization.apply(BODY)));
    assertThat(refused).as(why).isNotNull();
    assertThat(refused.status()).as(why).isEqualTo(status);
    assertThat(refused.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void aBodyOverOneMebibyteIsRefusedBeforeItsSignatureIsChecked() {
    String huge = "{\"id\":\"" + "x".repeat(WebhookVerifier.MAX_BODY_BYTES) + "\"}";
    WebhookVerifier.Refused refused =
        catchThrowableOfType(
            WebhookVerifier.Refused.class, () -> verifier.verify(huge, sign(huge)));
    assertThat(refused.status()).isEqualTo(413);
    // Multi-byte characters: under the limit in characters, over it in bytes.
    String wide = "{\"id\":\"" + "é".repeat(WebhookVerifier.MAX_BODY_BYTES / 2 + 1) + "\"}";
    assertThat(
            catchThrowableOfType(
                    WebhookVerifier.Refused.class, () -> verifier.verify(wide, sign(wide)))
                .status())
        .isEqualTo(413);
  }

  @Test
  void aSignedBodyThatIsNotAWebhookEventIsABadRequest() {
    String junk = "{\"event\": [1, 2";
    assertThat(
            catchThrowableOfType(
                    WebhookVerifier.Refused.class, () -> verifier.verify(junk, sign(junk)))
                .status())
        .isEqualTo(400);
  }
}
