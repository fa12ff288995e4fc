package io.agentfleet.devserver.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.agentfleet.devserver.DevServer;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.UpdateJobStatus;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitAgent.WorkerPing;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitRoom.CreateRoomRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The devserver's side of the agent protocol, driven frame by frame. */
class AgentProtocolTest {
  private DevServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        DevServer.start(
            DevServer.Config.dev().withPort(0).withRegistrationTimeout(Duration.ofMillis(500)));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void refusesAnUpgradeWithoutTheAgentGrant() {
    AccessToken roomOnly = new AccessToken("devkey", "secret");
    roomOnly.setIdentity("someone");
    roomOnly.addGrants(new RoomJoin(true));

    assertThatThrownBy(() -> ProtocolClient.connect(server.url(), roomOnly.toJwt()))
        .hasStackTraceContaining("401");
    assertThatThrownBy(() -> ProtocolClient.connect(server.url(), "garbage"))
        .hasStackTraceContaining("401");
  }

  @Test
  void closesASocketThatDoesNotRegisterInTime() throws Exception {
    try (ProtocolClient client = ProtocolClient.connect(server.url())) {
      assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
    }
  }

  @Test
  void answersPingsBeforeRegistrationButNothingElse() throws Exception {
    try (ProtocolClient client = ProtocolClient.connect(server.url())) {
      client.send(
          WorkerMessage.newBuilder().setPing(WorkerPing.newBuilder().setTimestamp(42)).build());
      ServerMessage pong = client.next();
      assertThat(pong.getPong().getLastTimestamp()).isEqualTo(42);
      assertThat(pong.getPong().getTimestamp()).isPositive();

      client.send(
          WorkerMessage.newBuilder()
              .setUpdateWorker(UpdateWorkerStatus.newBuilder().setLoad(0.1f))
              .build());
      assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
    }
  }

  @Test
  void mirrorsJsonWhenTheWorkerSpeaksJson() throws Exception {
    try (ProtocolClient client = ProtocolClient.connect(server.url())) {
      client.sendText("{\"register\":{\"agentName\":\"json-agent\",\"version\":\"x\"}}");

      String reply = client.texts.poll(10, TimeUnit.SECONDS);
      JsonObject json = JsonParser.parseString(reply).getAsJsonObject();
      assertThat(json.getAsJsonObject("register").get("workerId").getAsString()).startsWith("AW_");
      assertThat(
              json.getAsJsonObject("register")
                  .getAsJsonObject("serverInfo")
                  .get("agentProtocol")
                  .getAsInt())
          .isEqualTo(1);
      await().until(() -> server.workers().all().size() == 1);
    }
  }

  @Test
  void offersTheJobAndAssignsItWithAnAgentToken() throws Exception {
    try (ProtocolClient worker = ProtocolClient.registered(server.url(), "agent-a")) {
      AgentDispatch dispatch = server.rooms().createDispatch("room-1", "agent-a", "meta");

      ServerMessage offer = worker.next();
      assertThat(offer.getAvailability().getJob().getDispatchId()).isEqualTo(dispatch.getId());
      assertThat(offer.getAvailability().getJob().getMetadata()).isEqualTo("meta");
      assertThat(offer.getAvailability().getJob().getState().getStatus())
          .isEqualTo(JobStatus.JS_RUNNING);
      String jobId = offer.getAvailability().getJob().getId();
      worker.send(accept(jobId, "agent-" + jobId));

      ServerMessage assignment = worker.next();
      assertThat(assignment.getAssignment().getJob().getId()).isEqualTo(jobId);
      assertThat(assignment.getAssignment().hasUrl()).isFalse();
      JsonObject claims = claims(assignment.getAssignment().getToken());
      assertThat(claims.get("sub").getAsString()).isEqualTo("agent-" + jobId);
      assertThat(claims.get("kind").getAsString()).isEqualTo("agent");
      assertThat(claims.get("iss").getAsString()).isEqualTo("devkey");
      assertThat(claims.get("exp").getAsLong() - claims.get("nbf").getAsLong()).isEqualTo(3600);
      JsonObject video = claims.getAsJsonObject("video");
      assertThat(video.get("room").getAsString()).isEqualTo("room-1");
      assertThat(video.get("roomJoin").getAsBoolean()).isTrue();
      assertThat(video.get("agent").getAsBoolean()).isTrue();
      assertThat(claims.getAsJsonObject("attributes").get("lk.agent_name").getAsString())
          .isEqualTo("agent-a");

      worker.send(
          WorkerMessage.newBuilder()
              .setUpdateJob(
                  UpdateJobStatus.newBuilder().setJobId(jobId).setStatus(JobStatus.JS_SUCCESS))
              .build());
      await()
          .until(
              () ->
                  server.jobs().job(jobId).orElseThrow().getState().getStatus()
                      == JobStatus.JS_SUCCESS);
    }
  }

  @Test
  void aRejectedJobGoesToAnotherWorker() throws Exception {
    try (ProtocolClient refuser = ProtocolClient.registered(server.url(), "shared");
        ProtocolClient taker = ProtocolClient.registered(server.url(), "shared")) {
      // The taker is FULL at first so the offer surely goes to the refuser first.
      taker.send(status(WorkerStatus.WS_FULL, 0f));
      await().until(() -> server.workers().all().stream().anyMatch(w -> isFull(w)));

      server.rooms().createDispatch("room-2", "shared", "");
      String jobId = refuser.next().getAvailability().getJob().getId();
      taker.send(status(WorkerStatus.WS_AVAILABLE, 0f));
      await().until(() -> server.workers().all().stream().noneMatch(w -> isFull(w)));
      refuser.send(
          WorkerMessage.newBuilder()
              .setAvailability(
                  AvailabilityResponse.newBuilder().setJobId(jobId).setAvailable(false))
              .build());

      ServerMessage offer = taker.next();
      assertThat(offer.getAvailability().getJob().getId()).isEqualTo(jobId);
      taker.send(accept(jobId, "agent-" + jobId));
      assertThat(taker.next().hasAssignment()).isTrue();
      await().until(() -> server.jobs().workerOf(jobId).isPresent());
    }
  }

  private static boolean isFull(Worker w) {
    return w.status() == WorkerStatus.WS_FULL;
  }

  @Test
  void anUnansweredOfferIsNotRetriedElsewhere() throws Exception {
    try (DevServer quick =
            DevServer.start(
                DevServer.Config.dev()
                    .withPort(0)
                    .withAvailabilityTimeout(Duration.ofMillis(300)));
        ProtocolClient silent = ProtocolClient.registered(quick.url(), "s");
        ProtocolClient other = ProtocolClient.registered(quick.url(), "s")) {
      other.send(status(WorkerStatus.WS_FULL, 0f));
      await().until(() -> quick.workers().all().stream().anyMatch(w -> isFull(w)));

      AgentDispatch dispatch = quick.rooms().createDispatch("room-t", "s", "");
      assertThat(silent.next().hasAvailability()).isTrue();
      other.send(status(WorkerStatus.WS_AVAILABLE, 0f));

      // As on the real server, a timeout ends the attempt: no other worker is asked.
      assertThat(other.received.poll(1, TimeUnit.SECONDS)).isNull();
      assertThat(
              quick
                  .rooms()
                  .listDispatches("room-t", dispatch.getId())
                  .get(0)
                  .getState()
                  .getJobsList())
          .isEmpty();
    }
  }

  @Test
  void fullWorkersAreSkippedAndTerminateEndsTheJobWithoutAssignment() throws Exception {
    try (ProtocolClient full = ProtocolClient.registered(server.url(), "x");
        ProtocolClient free = ProtocolClient.registered(server.url(), "x")) {
      full.send(status(WorkerStatus.WS_FULL, 0f));
      await()
          .until(
              () ->
                  server.workers().all().stream()
                      .anyMatch(w -> w.status() == WorkerStatus.WS_FULL));

      server.rooms().createDispatch("room-3", "x", "");
      String jobId = free.next().getAvailability().getJob().getId();
      free.send(
          WorkerMessage.newBuilder()
              .setAvailability(
                  AvailabilityResponse.newBuilder()
                      .setJobId(jobId)
                      .setAvailable(false)
                      .setTerminate(true))
              .build());

      await()
          .until(
              () ->
                  server.jobs().job(jobId).map(j -> j.getState().getStatus()).orElse(null)
                      == JobStatus.JS_SUCCESS);
      assertThat(full.received).isEmpty();
      assertThat(server.jobs().workerOf(jobId)).isEmpty();
    }
  }

  @Test
  void automaticDispatchOnlyForRoomsWithoutAnAgentsList() throws Exception {
    try (ProtocolClient unnamed = ProtocolClient.registered(server.url(), "")) {
      server.rooms().createRoom(CreateRoomRequest.newBuilder().setName("auto").build());
      assertThat(unnamed.next().getAvailability().getJob().getRoom().getName()).isEqualTo("auto");

      server
          .rooms()
          .createRoom(
              CreateRoomRequest.newBuilder()
                  .setName("explicit")
                  .addAgents(RoomAgentDispatch.newBuilder().setAgentName("someone-else"))
                  .build());
      assertThat(unnamed.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void deletingADispatchSendsTermination() throws Exception {
    try (ProtocolClient worker = ProtocolClient.registered(server.url(), "t")) {
      AgentDispatch dispatch = server.rooms().createDispatch("room-4", "t", "");
      String jobId = worker.next().getAvailability().getJob().getId();
      worker.send(accept(jobId, "agent-" + jobId));
      worker.next(); // assignment

      server.rooms().deleteDispatch("room-4", dispatch.getId());

      assertThat(worker.next().getTermination().getJobId()).isEqualTo(jobId);
    }
  }

  @Test
  void neverOffersADispatchThatFoundNoWorkerAgain() throws Exception {
    server.rooms().createDispatch("early", "late-agent", "");
    try (ProtocolClient late = ProtocolClient.registered(server.url(), "late-agent")) {
      assertThat(late.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
      assertThat(server.rooms().listDispatches("early", ""))
          .filteredOn(d -> d.getAgentName().equals("late-agent"))
          .singleElement()
          .satisfies(d -> assertThat(d.getState().getJobsList()).isEmpty());
    }
  }

  private static WorkerMessage accept(String jobId, String identity) {
    return WorkerMessage.newBuilder()
        .setAvailability(
            AvailabilityResponse.newBuilder()
                .setJobId(jobId)
                .setAvailable(true)
                .setParticipantIdentity(identity))
        .build();
  }

  private static WorkerMessage status(WorkerStatus status, float load) {
    return WorkerMessage.newBuilder()
        .setUpdateWorker(UpdateWorkerStatus.newBuilder().setStatus(status).setLoad(load))
        .build();
  }

  private static JsonObject claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JsonParser.parseString(new String(Base64.getUrlDecoder().decode(payload)))
        .getAsJsonObject();
  }
}
