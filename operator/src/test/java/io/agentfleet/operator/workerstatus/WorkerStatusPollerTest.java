package io.agentfleet.operator.workerstatus;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.operator.config.OperatorConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerStatusPollerTest {

  private static final String IDLE = "{\"worker_id\":\"w\",\"active_jobs\":0,\"worker_load\":0.0}";
  private static final String BUSY = "{\"worker_id\":\"w\",\"active_jobs\":2,\"worker_load\":0.5}";

  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private WorkerStatusPoller poller;

  @AfterEach
  void close() throws Exception {
    if (poller != null) {
      poller.stop(null);
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  @Test
  void aWorkerThatStallsInItsBodyIsUnknownAndTheRoundStillReadsTheOthers() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    closing.add(released::countDown);
    // Headers, then 10 of the 200 body bytes promised, then nothing until the test ends.
    int stalling =
        serve(
            out -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                          + IDLE.substring(0, 10))
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              released.await();
            });
    int healthy = serve(out -> out.write(answer(BUSY)));
    poller = started(Duration.ofMillis(500), Optional.empty(), Clock.systemUTC());
    ResourceID owner = new ResourceID("voice", "prod");
    poller.track(owner, List.of(target("stalls", stalling), target("answers", healthy)));

    CompletableFuture<Void> round = CompletableFuture.runAsync(poller::pollOnce);

    // A generous bound against a slow machine; without the fix the round never returns.
    round.get(15, TimeUnit.SECONDS);
    Observation stalled = poller.latest("stalls").orElseThrow();
    assertThat(stalled.report()).isEmpty();
    assertThat(stalled.error()).contains("500 ms");
    assertThat(poller.latest("answers").orElseThrow().report())
        .get()
        .extracting(WorkerReport::activeJobs)
        .isEqualTo(2);
  }

  @Test
  void aWorkerAnswering500OrGarbageIsUnknownNotIdle() throws Exception {
    int failing =
        serve(
            out ->
                out.write(
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
    int garbage = serve(out -> out.write(answer("<html>busy</html>")));
    poller = started(Duration.ofMillis(800), Optional.empty(), Clock.systemUTC());
    poller.track(
        new ResourceID("voice", "prod"),
        List.of(target("fails", failing), target("junk", garbage)));

    poller.pollOnce();

    Observation failed = poller.latest("fails").orElseThrow();
    assertThat(failed.report()).isEmpty();
    assertThat(failed.error()).isEqualTo("HTTP 500");
    Observation junk = poller.latest("junk").orElseThrow();
    assertThat(junk.report()).isEmpty();
    assertThat(junk.error()).isNotBlank();
  }

  @Test
  void aReportOlderThanTheBoundIsUnknown() throws Exception {
    int healthy = serve(out -> out.write(answer(IDLE)));
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    poller = started(Duration.ofMillis(800), Optional.of(Duration.ofSeconds(3)), clock);
    poller.track(new ResourceID("voice", "prod"), List.of(target("w", healthy)));

    poller.pollOnce();
    assertThat(poller.latest("w").orElseThrow().report()).isPresent();

    clock.now = clock.now.plusSeconds(3);
    assertThat(poller.latest("w").orElseThrow().report()).isPresent();

    clock.now = clock.now.plusMillis(1);
    Observation stale = poller.latest("w").orElseThrow();
    assertThat(stale.report()).isEmpty();
    assertThat(stale.error()).startsWith("stale");
  }

  @Test
  void theDefaultBoundIsThreeRoundsOfIntervalPlusTimeout() {
    poller =
        new WorkerStatusPoller(
            config(Duration.ofMillis(800), Optional.empty()),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    assertThat(poller.maxReportAge())
        .isEqualTo(Duration.ofSeconds(1000).plusMillis(800).multipliedBy(3));
  }

  private static byte[] answer(String body) {
    return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static StatusTarget target(String uid, int port) {
    return new StatusTarget(
        uid, uid, URI.create("http://127.0.0.1:" + port + "/worker"), WorkerStatusFormat.AUTO);
  }

  private WorkerStatusPoller started(Duration timeout, Optional<Duration> maxAge, Clock clock) {
    WorkerStatusPoller p =
        new WorkerStatusPoller(config(timeout, maxAge), new SimpleMeterRegistry(), clock);
    p.start(null);
    return p;
  }

  interface Response {
    void write(OutputStream out) throws Exception;
  }

  /** A raw HTTP/1.1 server: reads the request head, then answers as told, once per connection. */
  private int serve(Response response) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closing.add(server);
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket socket = server.accept();
                  closing.add(socket);
                  Thread answering =
                      new Thread(
                          () -> {
                            try (socket) {
                              readHead(socket.getInputStream());
                              response.write(socket.getOutputStream());
                              socket.getOutputStream().flush();
                            } catch (Exception e) {
                              // the client went away
                            }
                          });
                  answering.setDaemon(true);
                  answering.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    accept.setDaemon(true);
    accept.start();
    return server.getLocalPort();
  }

  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
  }

  private static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static OperatorConfig config(Duration timeout, Optional<Duration> maxAge) {
    return new OperatorConfig() {
      @Override
      public String leaseName() {
        return "lease";
      }

      @Override
      public Duration leaseDuration() {
        return Duration.ofSeconds(15);
      }

      @Override
      public Duration leaseRenewDeadline() {
        return Duration.ofSeconds(10);
      }

      @Override
      public Duration leaseRetryPeriod() {
        return Duration.ofSeconds(2);
      }

      @Override
      public Duration statusPollInterval() {
        // Rounds are driven by the test; the scheduler's first one comes long after.
        return Duration.ofSeconds(1000);
      }

      @Override
      public Duration statusPollTimeout() {
        return timeout;
      }

      @Override
      public Optional<Duration> statusReportMaxAge() {
        return maxAge;
      }

      @Override
      public boolean statusAddressAnnotation() {
        return false;
      }

      @Override
      public int statusPollConcurrency() {
        return 4;
      }

      @Override
      public Duration autoscaleResync() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Webhook webhook() {
        return new Webhook() {
          @Override
          public Optional<String> apiKey() {
            return Optional.empty();
          }

          @Override
          public Optional<String> apiSecret() {
            return Optional.empty();
          }
        };
      }
    };
  }
}
