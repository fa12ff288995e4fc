package io.agentfleet.worker;

import io.agentfleet.worker.caller.CallCommand;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.builtin.BuiltInAgents;
import io.agentfleet.worker.load.LoadFunction;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitAgent.JobType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar agentfleet-worker.jar start}: the worker process. */
@Command(
    name = "agentfleet-worker",
    mixinStandardHelpOptions = true,
    subcommands = {WorkerMain.Start.class, CallCommand.class},
    description = "Java LiveKit agent worker.")
public final class WorkerMain implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new WorkerMain()).execute(args);
    if (code != 0 || (args.length > 0 && args[0].equals("call"))) {
      // A call leaves native WebRTC threads behind that would keep the JVM alive.
      System.exit(code);
    }
  }

  /** Runs the worker until SIGTERM/SIGINT, then drains and exits 0. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Register with LiveKit and run jobs until SIGTERM; then drain and exit.")
  static final class Start implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "${env:LIVEKIT_URL}", description = "LIVEKIT_URL")
    String url;

    @Option(
        names = "--api-key",
        defaultValue = "${env:LIVEKIT_API_KEY}",
        description = "LIVEKIT_API_KEY")
    String apiKey;

    @Option(
        names = "--api-secret",
        defaultValue = "${env:LIVEKIT_API_SECRET}",
        description = "LIVEKIT_API_SECRET")
    String apiSecret;

    @Option(
        names = "--agent-name",
        defaultValue = "${env:LIVEKIT_AGENT_NAME}",
        description = "LIVEKIT_AGENT_NAME; empty for automatic dispatch")
    String agentName;

    @Option(
        names = "--agent",
        defaultValue = "${env:AGENTFLEET_AGENT:-hold}",
        description = "Built-in agent to run (AGENTFLEET_AGENT, default: ${DEFAULT-VALUE})")
    String agent;

    @Option(
        names = "--job-type",
        defaultValue = "JT_ROOM",
        description = "JT_ROOM, JT_PUBLISHER or JT_PARTICIPANT (default: ${DEFAULT-VALUE})")
    JobType jobType;

    @Option(
        names = "--max-jobs",
        defaultValue = "${env:AGENTFLEET_MAX_JOBS:-8}",
        description = "Jobs run at once (default: ${DEFAULT-VALUE})")
    int maxJobs;

    @Option(
        names = "--load-threshold",
        defaultValue = "${env:AGENTFLEET_LOAD_THRESHOLD:-0.7}",
        description = "Load at which the worker reports FULL (default: ${DEFAULT-VALUE})")
    double loadThreshold;

    @Option(
        names = "--load-function",
        defaultValue = "${env:AGENTFLEET_LOAD_FUNCTION:-max}",
        description = "jobs, cpu or max (default: ${DEFAULT-VALUE})")
    String loadFunction;

    @Option(
        names = "--http-host",
        defaultValue = "0.0.0.0",
        description = "Status server address (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(
        names = "--http-port",
        defaultValue = "${env:AGENTFLEET_HTTP_PORT:-8081}",
        description = "Status server port, -1 to disable (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(
        names = "--drain-timeout",
        // The operator sets AGENTFLEET_DRAIN_TIMEOUT_SECONDS from spec.drain.timeoutSeconds.
        defaultValue =
            "${env:AGENTFLEET_DRAIN_TIMEOUT_SECONDS:-${env:AGENTFLEET_DRAIN_TIMEOUT:-3600}}",
        description = "Seconds SIGTERM waits for running jobs (default: ${DEFAULT-VALUE})")
    long drainTimeoutSeconds;

    @Option(
        names = "--status-interval-ms",
        defaultValue = "2500",
        description = "How often load is reported to LiveKit (default: ${DEFAULT-VALUE})")
    long statusIntervalMs;

    private WorkerConfig buildConfig() {
      return WorkerConfig.builder(url, apiKey, apiSecret)
          .agentName(agentName)
          .jobType(jobType)
          .maxJobs(maxJobs)
          .loadThreshold(loadThreshold)
          .loadFunction(LoadFunction.parse(loadFunction))
          .http(httpHost, httpPort)
          .drainTimeout(Duration.ofSeconds(drainTimeoutSeconds))
          .statusInterval(Duration.ofMillis(statusIntervalMs))
          .build();
    }

    @Override
    public Integer call() throws Exception {
      Agent selected =
          BuiltInAgents.byName(agent)
              .orElseThrow(
                  () ->
                      new CommandLine.ParameterException(
                          new CommandLine(this),
                          "unknown agent '" + agent + "'; built in: " + BuiltInAgents.names()));
      WorkerConfig config;
      try {
        config = buildConfig();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      AgentWorker worker =
          new AgentWorker(config, BuiltInAgents.selectableByMetadata(selected)).start();
      CountDownLatch stopped = new CountDownLatch(1);
      AtomicInteger signals = new AtomicInteger();
      Runnable onSignal =
          () -> {
            if (signals.incrementAndGet() > 1) {
              LOG.warn("second signal: exiting now");
              Runtime.getRuntime().halt(1);
            }
            Thread drainer =
                new Thread(
                    () -> {
                      try {
                        worker.drain(config.drainTimeout());
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } finally {
                        worker.close();
                        stopped.countDown();
                      }
                    },
                    "drain");
            drainer.start();
          };
      Signals.onTermination(onSignal);
      stopped.await();
      LOG.info("worker stopped");
      System.exit(0);
      return 0;
    }
  }
}
