package io.agentfleet.worker.media;

import com.sun.management.OperatingSystemMXBean;
import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.caller.Caller;
import io.agentfleet.worker.job.builtin.BuiltInAgents;
import io.agentfleet.worker.job.builtin.EchoAgent;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The media benchmark's program, run inside the private network namespace: for each level, that
 * many concurrent calls (caller → devserver relay → Java echo agent → relay → caller, all in this
 * one JVM) speak a tone for a while; prints one {@code BENCH} line a level with the CPU the whole
 * process used, how much of the echoed audio arrived, and the time to the first echoed audio.
 *
 * <p>Arguments: the address to bind, the levels (comma-separated call counts), seconds a call
 * speaks.
 */
public final class EchoCapacity {
  public static void main(String[] args) {
    ScenarioProcess.exitWith(
        "echo-capacity",
        () ->
            run(
                args[0],
                Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray(),
                Integer.parseInt(args[2])));
  }

  /** One caller's view of its call. */
  record CallResult(Caller.Heard heard, double hz, int seconds) {
    /** The share of the spoken frames that came back loud. */
    double delivered() {
      return Math.min(1.0, heard.loudFrames() / (seconds * 100.0));
    }

    boolean rightTone() {
      return Math.abs(heard.hz() - hz) < 40;
    }
  }

  private static int run(String host, int[] levels, int seconds) throws Exception {
    int most = Arrays.stream(levels).max().orElse(1);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (EchoRig rig =
        EchoRig.start(
            host,
            List.of(),
            BuiltInAgents.selectableByMetadata(new EchoAgent()),
            b -> b.maxJobs(most + 2))) {
      MediaEngine engine = MediaEngine.shared();
      int round = 0;
      for (int calls : levels) {
        round++;
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          String room = "bench-" + round + "-" + i;
          rig.dispatch(room, "{\"agent\":\"echo\",\"delay_ms\":0}");
          callers.add(rig.join(engine, room, "caller-" + room));
        }
        for (Caller c : callers) {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (c.room.remoteParticipants().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
          }
        }
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        List<Future<CallResult>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          Caller c = callers.get(i);
          double hz = 300 + 50 * i;
          futures.add(
              pool.submit(
                  () -> {
                    c.speak(hz, seconds);
                    return new CallResult(
                        c.listen(Duration.ofSeconds(seconds + 1), 1000), hz, seconds);
                  }));
        }
        List<CallResult> results = new ArrayList<>();
        for (Future<CallResult> f : futures) {
          results.add(f.get(seconds + 60L, TimeUnit.SECONDS));
        }
        double cores =
            (os.getProcessCpuTime() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
        pool.shutdown();
        callers.forEach(Caller::close);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.activeOutputs() > 0 && System.nanoTime() < end) {
          Thread.sleep(50);
        }
        System.out.println(line(calls, cores, results));
      }
    }
    ScenarioProcess.closeMedia();
    return 0;
  }

  static String line(int calls, double cores, List<CallResult> results) {
    double[] delivered = results.stream().mapToDouble(CallResult::delivered).sorted().toArray();
    long[] delays =
        results.stream()
            .mapToLong(r -> r.heard().firstLoudMs())
            .filter(d -> d >= 0)
            .sorted()
            .toArray();
    long rightTone = results.stream().filter(CallResult::rightTone).count();
    return String.format(
        java.util.Locale.ROOT,
        "BENCH calls=%d cores=%.2f delivered_min=%.0f%% delivered_mean=%.0f%% "
            + "first_audio_ms_p50=%d first_audio_ms_max=%d right_tone=%d/%d",
        calls,
        cores,
        100 * delivered[0],
        100 * Arrays.stream(delivered).average().orElse(0),
        delays.length == 0 ? -1 : delays[delays.length / 2],
        delays.length == 0 ? -1 : delays[delays.length - 1],
        rightTone,
        calls);
  }
}
