package io.agentfleet.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.worker.job.Cancellation;
import io.agentfleet.worker.job.JobContext;
import livekit.LivekitAgent.Job;
import livekit.LivekitModels.Room;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  private static final String SECRET = "s3cr3t-value-that-must-not-be-printed";

  @Test
  void toStringLeavesOutTheApiSecret() {
    WorkerConfig config = WorkerConfig.builder("wss://lk.example", "APIkey1", SECRET).build();

    assertThat(config.toString())
        .doesNotContain(SECRET)
        .contains("apiSecret=<redacted>")
        .contains("apiKey=APIkey1")
        .contains("url=wss://lk.example");
  }

  @Test
  void toStringLeavesOutAPasswordInTheUrl() {
    WorkerConfig config =
        WorkerConfig.builder("wss://user:" + SECRET + "@lk.example/x", "APIkey1", "other").build();

    assertThat(config.toString()).doesNotContain(SECRET).contains("wss://<redacted>@lk.example/x");
  }

  @Test
  void aJobContextLeavesOutItsRoomToken() {
    Job job = Job.newBuilder().setId("AJ_1").setRoom(Room.newBuilder().setName("call-1")).build();
    JobContext context = new JobContext(job, "wss://lk.example", SECRET, new Cancellation());

    assertThat(context.toString()).doesNotContain(SECRET).contains("AJ_1").contains("call-1");
  }
}
