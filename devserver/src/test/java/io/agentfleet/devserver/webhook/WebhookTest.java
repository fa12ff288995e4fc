package io.agentfleet.devserver.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.agentfleet.devserver.DevServer;
import io.livekit.server.RoomServiceClient;
import io.livekit.server.WebhookReceiver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks as the operator's {@code POST /livekit/webhook} receives them: verified by the LiveKit
 * Kotlin SDK's {@link WebhookReceiver}, which checks the raw-JWT signature and the body hash.
 */
class WebhookTest {
  /** What one POST carried. */
  record Delivery(String contentType, String authorization, String body) {}

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresToServe = new AtomicInteger();
  private HttpServer receiver;
  private DevServer server;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/livekit/webhook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int status = failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
          if (status == 200) {
            deliveries.add(
                new Delivery(
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
    URI url =
        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/livekit/webhook");
    server = DevServer.start(DevServer.Config.dev().withPort(0).withWebhookUrls(List.of(url)));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    receiver.stop(0);
  }

  @Test
  void roomStartedAndFinishedAreSignedAsTheRealServerSignsThem() throws Exception {
    RoomServiceClient rooms = RoomServiceClient.createClient(server.httpUrl(), "devkey", "secret");
    rooms.createRoom("call-1").execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 1);
    rooms.deleteRoom("call-1").execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 2);

    WebhookReceiver verifier = new WebhookReceiver("devkey", "secret");
    List<WebhookEvent> events =
        deliveries.stream().map(d -> verifier.receive(d.body(), d.authorization())).toList();
    assertThat(events)
        .extracting(WebhookEvent::getEvent)
        .containsExactly("room_started", "room_finished");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.getRoom().getName()).isEqualTo("call-1");
              assertThat(e.getRoom().getSid()).startsWith("RM_");
              assertThat(e.getId()).isNotBlank();
              assertThat(e.getCreatedAt()).isPositive();
            });
    assertThat(events.get(0).getId()).isNotEqualTo(events.get(1).getId());
    Delivery first = deliveries.get(0);
    assertThat(first.contentType()).isEqualTo("application/webhook+json");
    assertThat(first.authorization()).doesNotStartWith("Bearer");
    // Protobuf JSON as the Go server's marshaller writes it: lowerCamelCase, int64 as strings.
    assertThat(first.body()).contains("\"event\":\"room_started\"").contains("\"createdAt\":\"");
  }

  @Test
  void aTamperedBodyOrAnotherSecretFailsVerification() throws Exception {
    RoomServiceClient rooms = RoomServiceClient.createClient(server.httpUrl(), "devkey", "secret");
    rooms.createRoom("call-2").execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 1);
    Delivery d = deliveries.get(0);

    assertThatThrownBy(
            () ->
                new WebhookReceiver("devkey", "secret").receive(d.body() + " ", d.authorization()))
        .hasMessageContaining("sha256");
    assertThatThrownBy(
            () -> new WebhookReceiver("devkey", "other").receive(d.body(), d.authorization()))
        .isInstanceOf(Exception.class);
  }

  @Test
  void aFailingReceiverGetsTheEventAgain() throws Exception {
    failuresToServe.set(2);
    RoomServiceClient rooms = RoomServiceClient.createClient(server.httpUrl(), "devkey", "secret");
    // The Twirp call returns at once although the receiver is failing: delivery is asynchronous.
    assertThat(rooms.createRoom("call-3").execute().isSuccessful()).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() == 1);
    WebhookEvent event =
        new WebhookReceiver("devkey", "secret")
            .receive(deliveries.get(0).body(), deliveries.get(0).authorization());
    assertThat(event.getEvent()).isEqualTo("room_started");
    assertThat(failuresToServe.get()).isZero();
  }

  /**
   * The events of one room arrive in order even when one needs a retry: the next waits for it, as
   * the real server queues webhooks by room.
   */
  @Test
  void aRoomsEventsArriveInOrderAcrossARetry() throws Exception {
    failuresToServe.set(1);
    RoomServiceClient rooms = RoomServiceClient.createClient(server.httpUrl(), "devkey", "secret");
    rooms.createRoom("call-4").execute();
    rooms.deleteRoom("call-4").execute();
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() == 2);
    WebhookReceiver verifier = new WebhookReceiver("devkey", "secret");
    assertThat(deliveries)
        .extracting(d -> verifier.receive(d.body(), d.authorization()).getEvent())
        .containsExactly("room_started", "room_finished");
  }
}
