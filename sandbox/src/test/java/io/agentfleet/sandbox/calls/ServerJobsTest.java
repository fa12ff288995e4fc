package io.agentfleet.sandbox.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.controlplane.LiveKitLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerJobsTest {

  /** Lines as livekit-server v1.13.5 writes them (console format, tab-separated). */
  static final String LOG =
      String.join(
          "\n",
          "2026-12-03T13:04:14.067Z\tINFO\tlivekit.agents\tservice/agentservice.go:303\tworker"
              + " registered\t{\"agentName\": \"a\", \"workerID\": \"AW_1\"}",
          "2026-12-03T13:04:14.651Z\tINFO\tlivekit.agents\tservice/agentservice.go:412\tassigned"
              + " job to worker\t{\"jobID\": \"AJ_1\", \"agentName\": \"a\", \"room\": \"call-2\","
              + " \"workerID\": \"AW_1\"}",
          "2026-12-03T13:04:15.250Z\tINFO\tlivekit\tagent/client.go:181\tfailed to send job"
              + " request\t{\"error\": \"no response from servers\"}",
          "2026-12-03T13:04:19.001Z\tINFO\tlivekit.agents\tagent/worker.go:549\tjob ended\t{\"jobID\":"
              + " \"AJ_1\", \"status\": \"JS_SUCCESS\", \"error\": \"\"}",
          "2026-12-03T13:04:20.000Z\tINFO\tlivekit.agents\tagent/worker.go:549\tjob ended\t{\"jobID\":"
              + " \"AJ_9\", \"status\": \"JS_FAILED\", \"error\": \"boom\"}",
          "2026-12-03T13:04:20.500Z\tINFO\tlivekit.agents\tagent/worker.go:549\tjob"
              + " ended\t{\"jobID\": \"AJ_8\", \"status\": \"JS_FAILED\", \"error\": \"agent worker left"
              + " the room\"}",
          "2026-12-03T13:04:21.500Z\tINFO\tlivekit.agents\tagent/worker.go:488\tclosing"
              + " worker\t{\"workerID\": \"AW_1\", \"agentName\": \"a\"}",
          "");

  @Test
  void readsPlacementsEndsAndLostWorkersOnceEach(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("livekit-server.log");
    Files.writeString(file, LOG);
    ServerJobs jobs = new ServerJobs(new LiveKitLog(file));

    assertThat(jobs.next())
        .containsExactly(
            JobEvent.placed("call-2", "AJ_1", "AW_1", Instant.parse("2026-12-03T13:04:14.651Z")),
            JobEvent.ended("AJ_1", JobEvent.End.SUCCESS, Instant.parse("2026-12-03T13:04:19.001Z")),
            JobEvent.ended("AJ_9", JobEvent.End.FAILED, Instant.parse("2026-12-03T13:04:20Z")),
            JobEvent.ended(
                "AJ_8", JobEvent.End.AGENT_LEFT, Instant.parse("2026-12-03T13:04:20.500Z")),
            JobEvent.workerGone("AW_1", Instant.parse("2026-12-03T13:04:21.500Z")));
    assertThat(jobs.next()).isEmpty();

    // A half-written line is read once it is whole.
    Files.writeString(
        file,
        "2026-12-03T13:05:00Z\tINFO\tlivekit.agents\tagent/worker.go:549\tjob ended\t{\"jobID\":",
        StandardOpenOption.APPEND);
    assertThat(jobs.next()).isEmpty();
    Files.writeString(file, " \"AJ_2\", \"status\": \"JS_SUCCESS\"}\n", StandardOpenOption.APPEND);
    assertThat(jobs.next())
        .containsExactly(
            JobEvent.ended("AJ_2", JobEvent.End.SUCCESS, Instant.parse("2026-12-03T13:05:00Z")));
  }
}
