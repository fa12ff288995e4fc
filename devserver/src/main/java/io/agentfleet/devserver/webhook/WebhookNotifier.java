package io.agentfleet.devserver.webhook;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.agentfleet.devserver.agent.Ids;
import io.livekit.server.AccessToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitWebhook.WebhookEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code livekit.WebhookEvent}s the way the real server's URL notifier does: a protobuf-JSON
 * body (lowerCamelCase, defaults left out, int64 as strings), {@code Content-Type:
 * application/webhook+json}, and {@code Authorization: <raw JWT>} (no {@code Bearer}) signed with
 * the webhook API key, whose {@code sha256} claim is base64(SHA-256(body)). Delivery is
 * asynchronous with a few retries, so a slow or absent receiver never holds up a room or a
 * participant. As the real notifier queues by room, the events of one room reach a URL one at a
 * time, in the order they happened (each after the previous one was delivered or given up).
 */
public final class WebhookNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  /** The real server's token lifetime for webhook signatures. */
  private static final long TOKEN_TTL_MS = Duration.ofMinutes(5).toMillis();

  private final List<URI> urls;
  private final String apiKey;
  private final String apiSecret;
  private final HttpClient http;
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final RetryPolicy retry;
  // Per URL and room: the delivery the next event of that room waits for.
  private final java.util.Map<String, CompletableFuture<Void>> queues =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Attempts per event and URL, and the wait after the n-th failure (doubling from {@code first}).
   */
  public record RetryPolicy(int attempts, Duration first) {
    public static RetryPolicy standard() {
      return new RetryPolicy(4, Duration.ofMillis(500));
    }

    Duration delayAfter(int failedAttempt) {
      return first.multipliedBy(1L << Math.min(failedAttempt - 1, 10));
    }
  }

  public WebhookNotifier(
      List<URI> urls,
      String apiKey,
      String apiSecret,
      ScheduledExecutorService executor,
      Clock clock,
      RetryPolicy retry) {
    this.urls = List.copyOf(urls);
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.executor = executor;
    this.clock = clock;
    this.retry = retry;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public boolean enabled() {
    return !urls.isEmpty();
  }

  /** Stamps the event with an id and {@code created_at} (seconds) and queues it to every URL. */
  public void send(WebhookEvent.Builder event) {
    if (urls.isEmpty()) {
      return;
    }
    WebhookEvent stamped =
        event.setId(Ids.next("EV_")).setCreatedAt(clock.instant().getEpochSecond()).build();
    String body;
    try {
      body = JSON.print(stamped);
    } catch (InvalidProtocolBufferException e) {
      LOG.warn("cannot encode webhook {}", stamped.getEvent(), e);
      return;
    }
    String room = stamped.getRoom().getName();
    for (URI url : urls) {
      String key = url + " " + room;
      CompletableFuture<Void> queued =
          queues.compute(
              key,
              (k, previous) ->
                  (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                      .thenCompose(
                          ignored -> {
                            CompletableFuture<Void> done = new CompletableFuture<>();
                            try {
                              executor.execute(
                                  () -> attempt(url, stamped.getEvent(), body, 1, done));
                            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                              done.complete(null);
                            }
                            return done;
                          }));
      queued.whenComplete((ok, error) -> queues.remove(key, queued));
    }
  }

  /** The {@code Authorization} value for this body: the raw JWT, as the real server sends it. */
  public static String signature(String apiKey, String apiSecret, String body, long ttlMs) {
    AccessToken token = new AccessToken(apiKey, apiSecret);
    token.setTtl(ttlMs);
    token.setSha256(sha256Base64(body.getBytes(StandardCharsets.UTF_8)));
    return token.toJwt();
  }

  private void attempt(
      URI url, String event, String body, int attempt, CompletableFuture<Void> done) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/webhook+json")
            .header("User-Agent", "LiveKit")
            // Signed per attempt: a retry minutes later still carries a valid token.
            .header("Authorization", signature(apiKey, apiSecret, body, TOKEN_TTL_MS))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() / 100 == 2) {
                LOG.debug("webhook {} delivered to {}", event, url);
                done.complete(null);
                return;
              }
              String why = error != null ? error.toString() : "HTTP " + response.statusCode();
              if (attempt >= retry.attempts()) {
                LOG.warn(
                    "webhook {} to {} dropped after {} attempts: {}", event, url, attempt, why);
                done.complete(null);
                return;
              }
              LOG.info("webhook {} to {} failed ({}), retrying", event, url, why);
              try {
                executor.schedule(
                    () -> attempt(url, event, body, attempt + 1, done),
                    retry.delayAfter(attempt).toMillis(),
                    TimeUnit.MILLISECONDS);
              } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The server is shutting down; undelivered events go with it.
                done.complete(null);
              }
            });
  }

  static String sha256Base64(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
