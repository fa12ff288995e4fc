package io.agentfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.livekit.server.RoomServiceClient;
import java.time.Duration;
import java.util.List;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobState;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;

/**
 * The Java worker against the devserver and the real LiveKit server over real sockets: register,
 * run, end jobs.
 */
class WorkerLifecycleTest {

  @OnBothServers
  void registersAndIsReady(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    String id = worker.info().workerId();
    assertThat(id).startsWith("AW_");
    assertThat(fleet.server().registered(id)).isTrue();
    if (fleet.server() instanceof DevServerUnderTest dev) {
      // Only the devserver shows its record of the worker; the real server's log names the id.
      var record = dev.worker(id).orElseThrow();
      assertThat(record.agentName()).isEqualTo("voice-agent");
      assertThat(record.version()).isEqualTo(AgentWorker.SDK_VERSION);
    }
    assertThat(fleet.get(worker, "/ready").statusCode()).isEqualTo(200);
    assertThat(fleet.get(worker, "/").statusCode()).isEqualTo(200);
    JsonObject info = JsonParser.parseString(fleet.get(worker, "/worker").body()).getAsJsonObject();
    assertThat(info.get("worker_id").getAsString()).isEqualTo(id);
    assertThat(info.get("agent_name").getAsString()).isEqualTo("voice-agent");
    assertThat(info.get("status").getAsString()).isEqualTo("WS_AVAILABLE");
  }

  @OnBothServers
  void dispatchByNameRunsTheJobAndReportsSuccess(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-1", "voice-agent", "{\"hold_ms\": 300}");

    fleet.awaitServer(
        "job placed", Duration.ofSeconds(10), () -> fleet.jobOf(dispatch).isPresent());
    Job job = fleet.jobOf(dispatch).orElseThrow();
    assertThat(job.getId()).startsWith("AJ_");
    assertThat(job.getAgentName()).isEqualTo("voice-agent");
    assertThat(job.getState().getParticipantIdentity()).isEqualTo("agent-" + job.getId());
    assertThat(job.getState().getWorkerId()).isEqualTo(worker.info().workerId());
    fleet.awaitServer(
        "job end reported", Duration.ofSeconds(10), () -> fleet.endOf(dispatch).isPresent());
    assertThat(fleet.endOf(dispatch).orElseThrow().getStatus()).isEqualTo(JobStatus.JS_SUCCESS);
    assertThat(worker.info().jobsSucceeded()).isEqualTo(1);
    // The slot is freed just after the end is sent.
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.info().activeJobs() == 0);
  }

  @OnBothServers
  void aFailingJobIsReportedFailed(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-2", "voice-agent", "{\"fail\": true}");

    fleet.awaitServer(
        "job end reported", Duration.ofSeconds(10), () -> fleet.endOf(dispatch).isPresent());
    JobState end = fleet.endOf(dispatch).orElseThrow();
    assertThat(end.getStatus()).isEqualTo(JobStatus.JS_FAILED);
    assertThat(end.getError()).contains("failed");
    assertThat(worker.info().jobsFailed()).isEqualTo(1);
  }

  @OnBothServers
  void deletingTheDispatchTerminatesTheJob(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);
    AgentDispatch dispatch = fleet.dispatch("room-3", "voice-agent", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 1);
    fleet.awaitServer(
        "job placed", Duration.ofSeconds(10), () -> fleet.jobOf(dispatch).isPresent());
    Job job = fleet.jobOf(dispatch).orElseThrow();

    fleet.deleteDispatch(dispatch);

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 0);
    assertThat(worker.info().jobsSucceeded()).isEqualTo(1);
    // Both servers end a terminated job as a success themselves.
    fleet.awaitServer(
        "job end recorded",
        Duration.ofSeconds(10),
        () -> fleet.server().reportedEnd(job.getId()).isPresent());
    assertThat(fleet.server().reportedEnd(job.getId()).orElseThrow().getStatus())
        .isEqualTo(JobStatus.JS_SUCCESS);
    assertThat(fleet.dispatches(dispatch.getRoom()))
        .extracting(AgentDispatch::getId)
        .doesNotContain(dispatch.getId());
  }

  @OnBothServers
  void aWorkerWithAnotherNameGetsNoJob(TestFleet fleet) throws Exception {
    AgentWorker other = fleet.startWorker("other-agent", b -> b);

    AgentDispatch dispatch = fleet.dispatch("room-4", "voice-agent", "");

    // Neither server keeps a dispatch that found no worker pending: nothing is placed, ever.
    fleet.assertNoJobPlaced(dispatch);
    assertThat(fleet.dispatches(dispatch.getRoom()))
        .extracting(AgentDispatch::getId)
        .contains(dispatch.getId());
    assertThat(other.info().activeJobs()).isZero();
  }

  @OnBothServers
  void anUnnamedWorkerGetsAutomaticDispatchForNewRooms(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("", b -> b);
    String room = fleet.room("walk-in");

    RoomServiceClient.createClient(fleet.server().httpUrl(), TestFleet.KEY, TestFleet.SECRET)
        .createRoom(room)
        .execute();

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.info().activeJobs() == 1);
    fleet.awaitServer("job listed", Duration.ofSeconds(10), () -> !jobsIn(fleet, room).isEmpty());
    List<Job> jobs = jobsIn(fleet, room);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).getRoom().getName()).isEqualTo(room);
    assertThat(jobs.get(0).getAgentName()).isEmpty();
    assertThat(jobs.get(0).getState().getWorkerId()).isEqualTo(worker.info().workerId());
  }

  private static List<Job> jobsIn(TestFleet fleet, String room) throws Exception {
    return fleet.dispatches(room).stream()
        .flatMap(d -> d.getState().getJobsList().stream())
        .toList();
  }

  @OnBothServers
  void metricsUseThePythonSdkNames(TestFleet fleet) throws Exception {
    AgentWorker worker = fleet.startWorker("voice-agent", b -> b);

    String metrics = fleet.get(worker, "/metrics").body();

    assertThat(metrics)
        .contains("lk_agents_active_job_count")
        .contains("lk_agents_worker_load")
        .contains("agentfleet_worker_jobs_total{outcome=\"succeeded\"}")
        .contains("agentfleet_worker_registered 1.0");
  }
}
