package io.agentfleet.operator.webhook;

import static io.agentfleet.operator.webhook.SignedWebhooks.event;
import static io.agentfleet.operator.webhook.SignedWebhooks.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.operator.config.OperatorConfig;
import io.agentfleet.operator.dashboard.Board;
import io.agentfleet.operator.placement.DispatchWatch;
import io.agentfleet.operator.redispatch.RedispatchStep;
import io.agentfleet.operator.redispatch.RoomWatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import livekit.LivekitModels.ParticipantInfo;
import org.junit.jupiter.api.Test;

/** The endpoint as LiveKit's retries and a replaying attacker see it, without a cluster. */
class LiveKitWebhookResourceTest {

  static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  final ExpectedCalls expected = new ExpectedCalls();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final RoomWatch rooms = new RoomWatch();
  final LiveKitWebhookResource resource =
      new LiveKitWebhookResource(
          config(),
          expected,
          new DispatchWatch(null, null, meters),
          new Board(),
          rooms,
          new RedispatchStep(null, null, rooms, null, meters, clock),
          meters,
          clock);

  int post(String body) {
    return resource.receive(body, sign(body)).getStatus();
  }

  @Test
  void aReplayedWebhookDoesNotCountItsCallAgain() {
    expected.configure("support", "^call-", Duration.ofSeconds(60));
    String started = event("EV_1", "room_started", "call-1", null);
    assertThat(post(started)).isEqualTo(200);
    assertThat(post(started)).as("LiveKit's retry is answered 200").isEqualTo(200);
    assertThat(expected.expected("support", NOW)).isEqualTo(1);

    assertThat(post(event("EV_2", "participant_joined", "call-1", ParticipantInfo.Kind.AGENT)))
        .isEqualTo(200);
    assertThat(expected.expected("support", NOW)).isZero();

    // The same signed room_started again after the agent joined: still served, nothing expected.
    assertThat(post(started)).isEqualTo(200);
    assertThat(expected.expected("support", NOW)).isZero();
    assertThat(
            meters
                .counter("agentfleet.webhooks", "event", "room_started", "outcome", "duplicate")
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void refusedWebhooksCountNothing() {
    expected.configure("support", "^call-", Duration.ofSeconds(60));
    String started = event("EV_1", "room_started", "call-1", null);
    assertThat(resource.receive(started, null).getStatus()).isEqualTo(401);
    assertThat(resource.receive(started, sign(started.replace("call-1", "call-2"))).getStatus())
        .isEqualTo(401);
    String huge = "{\"id\":\"" + "x".repeat(WebhookVerifier.MAX_BODY_BYTES) + "\"}";
    assertThat(resource.receive(huge, sign(huge)).getStatus()).isEqualTo(413);
    assertThat(expected.expected("support", NOW)).isZero();
    // A refused request does not burn its id: the genuine one still counts.
    assertThat(post(started)).isEqualTo(200);
    assertThat(expected.expected("support", NOW)).isEqualTo(1);
  }

  @Test
  void seenIdsAreBounded() {
    SeenWebhooks seen = new SeenWebhooks(2);
    assertThat(seen.firstTime("a")).isTrue();
    assertThat(seen.firstTime("a")).isFalse();
    assertThat(seen.firstTime("b")).isTrue();
    assertThat(seen.firstTime("c")).isTrue();
    assertThat(seen.firstTime("a")).as("the oldest id was forgotten").isTrue();
    assertThat(seen.firstTime("")).isTrue();
    assertThat(seen.firstTime("")).as("no id: cannot be told apart").isTrue();
  }

  static OperatorConfig config() {
    OperatorConfig.Webhook webhook =
        new OperatorConfig.Webhook() {
          @Override
          public Optional<String> apiKey() {
            return Optional.of(SignedWebhooks.KEY);
          }

          @Override
          public Optional<String> apiSecret() {
            return Optional.of(SignedWebhooks.SECRET);
          }
        };
    return (OperatorConfig)
        Proxy.newProxyInstance(
            OperatorConfig.class.getClassLoader(),
            new Class<?>[] {OperatorConfig.class},
            (proxy, method, args) -> {
              if (method.getName().equals("webhook")) {
                return webhook;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
