package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.livekit.server.RoomServiceClient;
import java.time.Duration;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java worker against the real devserver over real sockets: register, run, end jobs. */
class WorkerLifecycleTest {
  @RegisterExtension final TestFleet fleet = TestFleet.perTest();

  @Test
  void registersAndIsReady() throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    var dev = fleet.devWorker(worker).orElseThrow();
    assertThat(dev.agentName()).isEqualTo("voice-agent");
    assertThat(dev.version()).isEqualTo(AgentWorker.SDK_VERSION);
    assertThat(fleet.get(worker, "/ready").statusCode()).isEqualTo(200);
    assertThat(fleet.get(worker, "/").statusCode()).isEqualTo(200);
    JsonObject info = JsonParser.parseString(fleet.get(worker, "/worker").body()).getAsJsonObject();
    assertThat(info.get("worker_id").getAsString()).isEqualTo(dev.id());
    assertThat(info.get("agent_name").getAsString()).isEqualTo("voice-agent");
    assertThat(info.get("status").getAsString()).isEqualTo("WS_AVAILABLE");
  }

  @Test
  void dispatchByNameRunsTheJobAndReportsSuccess() throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-1", "voice-agent", "{\"hold_ms\": 300}");

    await().atMost(Duration.ofSeconds(10)).until(() -> fleet.jobOf(dispatch).isPresent());
    Job job = fleet.jobOf(dispatch).orElseThrow();
    assertThat(job.getState().getParticipantIdentity()).isEqualTo("agent-" + job.getId());
    assertThat(job.getState().getWorkerId()).isEqualTo(worker.info().workerId());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                fleet.jobOf(dispatch).orElseThrow().getState().getStatus() == JobStatus.JS_SUCCESS);
    assertThat(worker.info().jobsSucceeded()).isEqualTo(1);
    assertThat(worker.info().activeJobs()).isZero();
  }

  @Test
  void aFailingJobIsReportedFailed() throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-2", "voice-agent", "{\"fail\": true}");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                fleet
                    .jobOf(dispatch)
                    .map(j -> j.getState().getStatus() == JobStatus.JS_FAILED)
                    .orElse(false));
    assertThat(fleet.jobOf(dispatch).orElseThrow().getState().getError()).contains("failed");
    assertThat(worker.info().jobsFailed()).isEqualTo(1);
  }

  @Test
  void deletingTheDispatchTerminatesTheJob() throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);
    AgentDispatch dispatch = fleet.dispatch("room-3", "voice-agent", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 1);

    fleet.deleteDispatch("room-3", dispatch.getId());

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 0);
    assertThat(worker.info().jobsSucceeded()).isEqualTo(1);
  }

  @Test
  void aWorkerWithAnotherNameGetsNoJob() throws Exception {
    AgentWorker other = fleet.startWorker("other-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-4", "voice-agent", "");

    // The launch is synchronous to the offer loop; with no matching worker nothing is created.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> fleet.jobOf(dispatch).isEmpty());
    assertThat(other.info().activeJobs()).isZero();
  }

  @Test
  void anUnnamedWorkerGetsAutomaticDispatchForNewRooms() throws Exception {
    AgentWorker worker = fleet.startWorker("", b -> b);

    RoomServiceClient.createClient(fleet.server().httpUrl(), TestFleet.KEY, TestFleet.SECRET)
        .createRoom("walk-in")
        .execute();

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 1);
    Job job = fleet.server().jobs().jobs().get(0);
    assertThat(job.getRoom().getName()).isEqualTo("walk-in");
    assertThat(job.getAgentName()).isEmpty();
  }

  @Test
  void metricsUseThePythonSdkNames() throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    String metrics = fleet.get(worker, "/metrics").body();

    assertThat(metrics)
        .contains("lk_agents_active_job_count")
        .contains("lk_agents_worker_load")
        .contains("agentfleet_worker_jobs_total{outcome=\"succeeded\"}")
        .contains("agentfleet_worker_registered 1.0");
  }
}
