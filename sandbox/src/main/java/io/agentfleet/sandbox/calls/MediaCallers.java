package io.agentfleet.sandbox.calls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers of media calls: each is the worker's {@code call} command as its own process (joins
 * the room, speaks a tone for the call's length, measures what comes back, leaves), so a native
 * WebRTC failure ends one caller rather than the sandbox. At most {@code maxAtOnce} run at a time:
 * two cores carry only a few relayed audio calls next to everything else.
 */
public final class MediaCallers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaCallers.class);

  /** Shorter calls give the caller too few 100 ms blocks to tell a frequency. */
  static final Duration MIN_LENGTH = Duration.ofSeconds(5);

  /**
   * The caller waits this long for the agent before it speaks anyway (and then hears nothing): a
   * call may wait for a worker while the fleet scales up.
   */
  static final Duration AGENT_WAIT = Duration.ofSeconds(30);

  private final int maxAtOnce;
  private final List<String> callCommand;
  private final String livekitUrl;
  private final String apiKey;
  private final String apiSecret;
  private final Path logs;
  private final CallLedger ledger;
  private final LiveKitRooms rooms;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger placed = new AtomicInteger();
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<Void>> recording = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param callCommand the worker's command line up to and excluding {@code call}, e.g. {@code java
   *     -jar worker-runnable.jar}
   * @param logs each caller's output goes to {@code <room>.log} here
   */
  public MediaCallers(
      int maxAtOnce,
      List<String> callCommand,
      String livekitUrl,
      String apiKey,
      String apiSecret,
      Path logs,
      CallLedger ledger,
      LiveKitRooms rooms) {
    this.maxAtOnce = maxAtOnce;
    this.callCommand = List.copyOf(callCommand);
    this.livekitUrl = livekitUrl;
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.logs = logs;
    this.ledger = ledger;
    this.rooms = rooms;
  }

  /** Takes a media slot if fewer than {@code maxAtOnce} media calls run; else the call holds. */
  boolean tryTakeSlot() {
    while (true) {
      int now = active.get();
      if (closed || now >= maxAtOnce) {
        return false;
      }
      if (active.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void releaseSlot() {
    active.decrementAndGet();
  }

  int active() {
    return active.get();
  }

  /** Distinct tones for calls placed one after another, so a caller can tell its own tone back. */
  static double toneHz(int index) {
    return 300 + 50 * (index % 9);
  }

  static Duration length(Duration planned) {
    return planned.compareTo(MIN_LENGTH) < 0 ? MIN_LENGTH : planned;
  }

  /** The next caller's tone. */
  double nextTone() {
    return toneHz(placed.getAndIncrement());
  }

  /**
   * Starts the caller of a placed media call in a slot taken with {@link #tryTakeSlot}; the slot is
   * given back when the caller exits (or could not start), and what it heard goes to the ledger.
   */
  void start(CallRecord call, double hz) {
    ledger.media(call.dispatchId(), MediaResult.inCall(hz));
    Path log = logs.resolve(call.room() + ".log");
    List<String> command = new ArrayList<>(callCommand);
    command.addAll(
        List.of(
            "call",
            "--url",
            livekitUrl,
            "--room",
            call.room(),
            "--identity",
            "caller-" + call.room(),
            "--hz",
            String.format(Locale.ROOT, "%.0f", hz),
            "--seconds",
            String.format(Locale.ROOT, "%.1f", call.length().toMillis() / 1000.0),
            "--wait-seconds",
            Long.toString(AGENT_WAIT.toSeconds())));
    ProcessBuilder builder = new ProcessBuilder(command);
    // In the environment rather than as arguments, so the secret stays out of ps.
    builder.environment().put("LIVEKIT_API_KEY", apiKey);
    builder.environment().put("LIVEKIT_API_SECRET", apiSecret);
    builder.redirectErrorStream(true);
    Process process;
    try {
      Files.createDirectories(logs);
      builder.redirectOutput(log.toFile());
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      ledger.media(call.dispatchId(), MediaResult.failed(hz, "caller not started: " + e));
      endRoomQuietly(call.room());
      releaseSlot();
      return;
    }
    running.add(process);
    if (closed) {
      // close() may have looked at the running callers before this one was added.
      process.destroy();
    }
    CompletableFuture<Void> recorded =
        process.onExit().thenRun(() -> finished(call, hz, process, log));
    recording.add(recorded);
    recorded.whenComplete((ok, error) -> recording.remove(recorded));
  }

  private void finished(CallRecord call, double hz, Process process, Path log) {
    running.remove(process);
    try {
      String output;
      try {
        output = Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        output = "";
      }
      if (closed && !output.contains("{\"room\"")) {
        // Stopped with the run, mid-call: the ledger keeps it in the call, as it keeps the call.
        return;
      }
      MediaResult result = MediaResult.fromCallerOutput(hz, output, process.exitValue());
      ledger.media(call.dispatchId(), result);
      if (result.failure() != null || result.loudFrames() == 0) {
        // An echo agent ends when its caller leaves; one whose caller never came would stay.
        endRoomQuietly(call.room());
      }
    } finally {
      releaseSlot();
    }
  }

  private void endRoomQuietly(String room) {
    if (closed) {
      return;
    }
    try {
      rooms.deleteRoom(room);
    } catch (IOException | RuntimeException e) {
      LOG.debug("room {} not deleted: {}", room, e.toString());
    }
  }

  /**
   * Stops the callers still in a call (SIGTERM, then SIGKILL after 5 s) and returns once every
   * caller's result is in the ledger.
   */
  @Override
  public void close() {
    closed = true;
    List<Process> left = new ArrayList<>(running);
    left.forEach(Process::destroy);
    for (Process p : left) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    try {
      CompletableFuture.allOf(recording.toArray(CompletableFuture[]::new))
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("media results not all recorded: {}", e.toString());
    }
  }
}
