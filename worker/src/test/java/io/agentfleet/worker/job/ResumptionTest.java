package io.agentfleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import livekit.LivekitAgent.Job;
import livekit.LivekitModels.Room;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumptionTest {

  static JobContext job(String metadata) {
    Job job =
        Job.newBuilder()
            .setId("AJ_1")
            .setRoom(Room.newBuilder().setName("call-1"))
            .setMetadata(metadata)
            .build();
    return new JobContext(job, "ws://lk", "token", new Cancellation());
  }

  /** Bodies exactly as the operator's crds Resumption writes them (its ResumptionTest). */
  @Test
  void readsWhatTheOperatorWrites() {
    assertThat(
            job("{\"caller\":\"+4930\",\"agentfleet.io/resumption\":{\"attempt\":1}}").resumption())
        .contains(new Resumption(1, "{\"caller\":\"+4930\"}"));
    assertThat(
            job("{\"agentfleet.io/resumption\":{\"attempt\":2,\"metadata\":\"hello\"}}")
                .resumption())
        .contains(new Resumption(2, "hello"));
    assertThat(job("{\"agentfleet.io/resumption\":{\"attempt\":1,\"metadata\":\"\"}}").resumption())
        .contains(new Resumption(1, ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "{\"hold_ms\":1000}",
        "{\"agentfleet.io/resumption\":true}",
        "{\"agentfleet.io/resumption\":{\"attempt\":0}}",
        "{\"agentfleet.io/resumption\":{\"attempt\":\"x\"}}"
      })
  void aFirstDispatchIsNoResumption(String metadata) {
    assertThat(job(metadata).resumption()).isEmpty();
  }
}
