package io.agentfleet.worker.caller;

import io.agentfleet.media.MediaEngine;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentfleet-worker call}: one synthetic call from the command line, for the sandbox and
 * benchmarks. Joins the room, speaks a sine for {@code --seconds}, listens as long, leaves, and
 * prints what it heard as one JSON line.
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = "Join a room as a caller, speak a tone, print what came back as JSON.")
public final class CallCommand implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "${env:LIVEKIT_URL}", description = "LIVEKIT_URL")
  String url;

  @Option(
      names = "--api-key",
      defaultValue = "${env:LIVEKIT_API_KEY:-devkey}",
      description = "LIVEKIT_API_KEY")
  String apiKey;

  @Option(
      names = "--api-secret",
      defaultValue = "${env:LIVEKIT_API_SECRET:-secret}",
      description = "LIVEKIT_API_SECRET")
  String apiSecret;

  @Option(names = "--room", required = true, description = "Room to join.")
  String room;

  @Option(names = "--identity", defaultValue = "caller", description = "Participant identity.")
  String identity;

  @Option(names = "--hz", defaultValue = "440", description = "Tone frequency (default 440).")
  double hz;

  @Option(names = "--seconds", defaultValue = "4", description = "Speak and listen this long.")
  double seconds;

  @Option(
      names = "--wait-seconds",
      defaultValue = "15",
      description = "Wait this long for another participant (the agent) before speaking.")
  double waitSeconds;

  @Override
  public Integer call() throws Exception {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("--url or LIVEKIT_URL is required");
    }
    int code;
    try (Caller caller =
        Caller.join(
            MediaEngine.shared(),
            url,
            room,
            identity,
            Caller.token(apiKey, apiSecret, room, identity))) {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) (waitSeconds * 1000));
      while (caller.room.remoteParticipants().isEmpty() && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      caller.speak(hz, seconds);
      Caller.Heard heard = caller.listen(Duration.ofMillis((long) (seconds * 1000)), 1000);
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"room\":\"%s\",\"frames\":%d,\"loud_frames\":%d,\"mean_rms\":%.1f,\"hz\":%.1f,"
                  + "\"first_loud_ms\":%d}",
              room,
              heard.frames(),
              heard.loudFrames(),
              heard.meanRms(),
              heard.hz(),
              heard.firstLoudMs()));
      code = heard.loudFrames() > 0 ? 0 : 1;
    }
    return code;
  }
}
