package io.agentfleet.operator.webhook;

import io.agentfleet.operator.config.OperatorConfig;
import io.agentfleet.operator.dashboard.Board;
import io.agentfleet.operator.dashboard.JoinLatencies;
import io.agentfleet.operator.placement.DispatchWatch;
import io.agentfleet.operator.redispatch.RedispatchStep;
import io.agentfleet.operator.redispatch.RoomWatch;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitWebhook.WebhookEvent;
import org.jboss.logging.Logger;

/**
 * LiveKit's webhook endpoint. Point the LiveKit server's {@code webhook.urls} at {@code
 * http://<operator>:8080/livekit/webhook}. Every request must carry LiveKit's signature (a JWT in
 * the raw Authorization header whose sha256 claim matches the body); anything else is refused with
 * 401 and counted.
 */
@Path("/livekit/webhook")
public class LiveKitWebhookResource {

  private static final Logger LOG = Logger.getLogger(LiveKitWebhookResource.class);

  private final Optional<WebhookVerifier> verifier;
  private final SeenWebhooks seen = new SeenWebhooks(SeenWebhooks.DEFAULT_CAPACITY);
  private final ExpectedCalls expected;
  private final DispatchWatch dispatches;
  private final JoinLatencies joins;
  private final RoomWatch rooms;
  private final RedispatchStep redispatch;
  private final MeterRegistry meters;
  private final Clock clock;

  public LiveKitWebhookResource(
      OperatorConfig config,
      ExpectedCalls expected,
      DispatchWatch dispatches,
      Board board,
      RoomWatch rooms,
      RedispatchStep redispatch,
      MeterRegistry meters,
      Clock clock) {
    this.verifier =
        config.webhook().apiKey().isPresent() && config.webhook().apiSecret().isPresent()
            ? Optional.of(
                new WebhookVerifier(
                    config.webhook().apiKey().get(), config.webhook().apiSecret().get()))
            : Optional.empty();
    this.expected = expected;
    this.dispatches = dispatches;
    this.joins = board.joins();
    this.rooms = rooms;
    this.redispatch = redispatch;
    this.meters = meters;
    this.clock = clock;
  }

  @POST
  @Consumes("*/*")
  public Response receive(String body, @HeaderParam("Authorization") String authorization) {
    if (verifier.isEmpty()) {
      return refuse(
          503,
          "webhooks are not configured: set agentfleet.operator.webhook.api-key and api-secret");
    }
    WebhookEvent event;
    try {
      event = verifier.get().verify(body, authorization);
    } catch (WebhookVerifier.Refused e) {
      return refuse(e.status(), e.getMessage());
    }
    // LiveKit retries a webhook it thinks failed; a signed copy must not count its call twice.
    if (!seen.firstTime(event.getId())) {
      meters
          .counter("agentfleet.webhooks", "event", event.getEvent(), "outcome", "duplicate")
          .increment();
      return Response.ok().build();
    }
    meters
        .counter("agentfleet.webhooks", "event", event.getEvent(), "outcome", "accepted")
        .increment();
    apply(event, Instant.now(clock));
    return Response.ok().build();
  }

  private void apply(WebhookEvent event, Instant now) {
    String room = event.hasRoom() ? event.getRoom().getName() : "";
    if (room.isEmpty()) {
      return;
    }
    rooms.apply(event, now);
    switch (event.getEvent()) {
      case "room_started" -> {
        expected.roomNeedsAgent(room, now);
        dispatches.roomStarted(room, now);
        joins.roomStarted(room, now);
      }
      case "participant_joined" -> {
        if (event.getParticipant().getKind() == ParticipantInfo.Kind.AGENT) {
          expected.roomServed(room);
          dispatches.roomDone(room);
          joins.agentJoined(room, now);
        } else {
          expected.roomNeedsAgent(room, now);
        }
      }
      case "room_finished" -> {
        expected.roomServed(room);
        dispatches.roomDone(room);
        joins.roomFinished(room);
        redispatch.roomFinished(room);
      }
      default -> {}
    }
  }

  private Response refuse(int status, String why) {
    LOG.debugf("webhook refused: %s", why);
    meters.counter("agentfleet.webhooks", "event", "unknown", "outcome", "rejected").increment();
    return Response.status(status).entity(why + "\n").type("text/plain").build();
  }
}
