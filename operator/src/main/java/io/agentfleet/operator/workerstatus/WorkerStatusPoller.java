package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.agentfleet.operator.config.OperatorConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Reads every tracked worker's status endpoint at a fixed interval, a bounded number at a time, and
 * keeps the latest {@link Observation} per pod. When one changes materially, the owning
 * AgentDeployment is woken at once rather than at its next resync.
 */
@ApplicationScoped
public class WorkerStatusPoller {

  private static final Logger LOG = Logger.getLogger(WorkerStatusPoller.class);

  private final OperatorConfig config;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<ResourceID, Map<String, StatusTarget>> targets = new ConcurrentHashMap<>();
  private final Map<String, Observation> latest = new ConcurrentHashMap<>();
  private volatile Consumer<ResourceID> onChange = id -> {};
  private volatile Predicate<ResourceID> ownerExists = id -> true;
  private ScheduledExecutorService scheduler;
  private ExecutorService requests;
  private HttpClient http;
  private Semaphore inFlight;

  public WorkerStatusPoller(OperatorConfig config, MeterRegistry meters, Clock clock) {
    this.config = config;
    this.meters = meters;
    this.clock = clock;
  }

  void start(@Observes StartupEvent event) {
    requests =
        Executors.newFixedThreadPool(Math.max(2, Math.min(8, config.statusPollConcurrency())));
    http =
        HttpClient.newBuilder()
            .connectTimeout(config.statusPollTimeout())
            .executor(requests)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    inFlight = new Semaphore(config.statusPollConcurrency());
    scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "worker-status-poll"));
    long period = config.statusPollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::pollSafely, period, period, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
      requests.shutdownNow();
    }
  }

  /** Who to wake when a worker's status changes. */
  public void onMaterialChange(Consumer<ResourceID> listener) {
    this.onChange = listener;
  }

  /** Deployments that no longer exist are dropped before each round. */
  public void ownersStillExist(Predicate<ResourceID> exists) {
    this.ownerExists = exists;
  }

  /** The pods of one deployment to poll from now on; replaces what was tracked before. */
  public void track(ResourceID owner, Collection<StatusTarget> podTargets) {
    Map<String, StatusTarget> byUid = new ConcurrentHashMap<>();
    podTargets.forEach(t -> byUid.put(t.podUid(), t));
    Map<String, StatusTarget> before = targets.put(owner, byUid);
    if (before != null) {
      before.keySet().stream().filter(uid -> !byUid.containsKey(uid)).forEach(latest::remove);
    }
  }

  public void forget(ResourceID owner) {
    Map<String, StatusTarget> gone = targets.remove(owner);
    if (gone != null) {
      gone.keySet().forEach(latest::remove);
    }
  }

  /**
   * The worker's latest observation; a report older than {@link #maxReportAge()} comes back as
   * unknown, so a poller that fell behind (or a pod no round reached) is never read as idle.
   */
  public Optional<Observation> latest(String podUid) {
    Observation observation = latest.get(podUid);
    if (observation == null || observation.report().isEmpty()) {
      return Optional.ofNullable(observation);
    }
    Duration age = Duration.between(observation.at(), Instant.now(clock));
    if (age.compareTo(maxReportAge()) > 0) {
      return Optional.of(
          Observation.unknown(
              "stale: last report is " + age.toMillis() + " ms old", observation.at()));
    }
    return Optional.of(observation);
  }

  /**
   * How old a report may be and still count: the setting, else three rounds that each took as long
   * as a round may (the poll interval plus the request timeout).
   */
  Duration maxReportAge() {
    return config
        .statusReportMaxAge()
        .orElse(config.statusPollInterval().plus(config.statusPollTimeout()).multipliedBy(3));
  }

  private void pollSafely() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.warnf(e, "worker status round failed");
    }
  }

  /** One round over every tracked worker; returns when all answered or timed out. */
  void pollOnce() {
    targets.keySet().stream().filter(id -> !ownerExists.test(id)).toList().forEach(this::forget);
    Set<ResourceID> changed = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> round = new ArrayList<>();
    for (Map.Entry<ResourceID, Map<String, StatusTarget>> entry : targets.entrySet()) {
      for (StatusTarget target : entry.getValue().values()) {
        round.add(poll(entry.getKey(), target, changed));
      }
    }
    CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).join();
    changed.forEach(id -> onChange.accept(id));
  }

  private CompletableFuture<Void> poll(
      ResourceID owner, StatusTarget target, Set<ResourceID> changed) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(null);
    }
    Timer.Sample started = Timer.start(meters);
    Duration bound = config.statusPollTimeout();
    HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(bound).GET().build();
    CompletableFuture<HttpResponse<String>> sent;
    try {
      sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse<String>> exchange = sent;
    // HttpRequest.timeout only bounds the wait for the response headers (JDK 17 to 25): a worker
    // that sends headers and then stalls in the body would hold the round forever. The copy
    // bounds the whole exchange; when it gives up, the exchange itself is cancelled so its
    // connection is closed rather than left reading.
    return exchange
        .copy()
        .orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                exchange.cancel(true);
              }
            })
        .handle(
            (response, failure) -> {
              inFlight.release();
              started.stop(
                  meters.timer("agentfleet.worker.status.latency", "deployment", owner.getName()));
              Instant now = Instant.now(clock);
              Observation next;
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof TimeoutException) {
                next =
                    Observation.unknown("no full answer within " + bound.toMillis() + " ms", now);
              } else if (cause != null) {
                next =
                    Observation.unknown(
                        cause.getClass().getSimpleName() + ": " + cause.getMessage(), now);
              } else if (response.statusCode() != 200) {
                next = Observation.unknown("HTTP " + response.statusCode(), now);
              } else {
                try {
                  next =
                      Observation.of(
                          WorkerReportParser.parse(response.body(), target.format()), now);
                } catch (WorkerReportParser.MalformedReport e) {
                  next = Observation.unknown("unreadable status: " + e.getMessage(), now);
                }
              }
              if (next.report().isEmpty()) {
                meters
                    .counter("agentfleet.worker.status.errors", "deployment", owner.getName())
                    .increment();
              }
              // A pod forgotten during the request must not come back.
              Map<String, StatusTarget> tracked = targets.get(owner);
              if (tracked != null && tracked.containsKey(target.podUid())) {
                Observation before = latest.put(target.podUid(), next);
                if (next.differsMateriallyFrom(before)) {
                  changed.add(owner);
                }
              }
              return null;
            });
  }
}
