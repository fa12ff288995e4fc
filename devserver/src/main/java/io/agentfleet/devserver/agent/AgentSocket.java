package io.agentfleet.devserver.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitAgent.WorkerPing;
import livekit.LivekitAgent.WorkerPong;
import livekit.LivekitModels.ParticipantPermission;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /agent} WebSocket. Binary frames carry protobuf; a text frame is read as protobuf JSON
 * and switches replies to JSON until the next binary frame, as {@code wsprotocol.go} does.
 */
public final class AgentSocket implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSocket.class);
  private static final long PING_SECONDS = 10;

  private final AgentService service;
  private final String apiKey;
  private final String workerId = Ids.next("AW_");
  private volatile Session session;
  private volatile boolean json;
  private volatile Worker worker;
  private ScheduledFuture<?> registrationDeadline;
  private ScheduledFuture<?> pinger;

  AgentSocket(AgentService service, String apiKey) {
    this.service = service;
    this.apiKey = apiKey;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    registrationDeadline =
        service
            .timers()
            .schedule(
                this::registrationTimedOut,
                service.registrationTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    pinger =
        service
            .timers()
            .scheduleAtFixedRate(
                () -> session.sendPing(ByteBuffer.allocate(0), Callback.NOOP),
                PING_SECONDS,
                PING_SECONDS,
                TimeUnit.SECONDS);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    json = false;
    int size = payload.remaining();
    WorkerMessage message;
    try {
      message = decode(payload);
    } catch (InvalidProtocolBufferException e) {
      reject(StatusCode.BAD_DATA, "undecodable frame of " + size + " bytes");
      return;
    } finally {
      // Jetty may reuse the buffer once the callback completes, so only after parsing.
      callback.succeed();
    }
    handle(message);
  }

  @Override
  public void onWebSocketText(String text) {
    json = true;
    WorkerMessage message;
    try {
      message = decodeJson(text);
    } catch (InvalidProtocolBufferException e) {
      reject(StatusCode.BAD_DATA, "undecodable JSON frame of " + text.length() + " chars");
      return;
    }
    handle(message);
  }

  /** A binary frame from a worker; anything undecodable is InvalidProtocolBufferException. */
  static WorkerMessage decode(ByteBuffer payload) throws InvalidProtocolBufferException {
    return WorkerMessage.parseFrom(payload);
  }

  /**
   * A text frame (the JSON form some SDKs speak); undecodable is InvalidProtocolBufferException.
   */
  static WorkerMessage decodeJson(String text) throws InvalidProtocolBufferException {
    WorkerMessage.Builder message = WorkerMessage.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(text, message);
    return message.build();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.warn("closing agent socket {}: {}", workerId, cause.toString());
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    cancelTimers();
    Worker registered = worker;
    if (registered != null) {
      LOG.info("worker {} disconnected ({} {})", workerId, statusCode, reason);
      service.closed(registered);
    }
  }

  private void handle(WorkerMessage message) {
    Worker registered = worker;
    switch (message.getMessageCase()) {
      case PING -> pong(message.getPing());
      case REGISTER -> {
        if (registered == null) {
          register(message.getRegister());
        } else {
          LOG.warn("worker {} registered twice; ignoring", workerId);
        }
      }
      case AVAILABILITY -> {
        if (requireRegistered(registered)) {
          service.launcher().onAvailability(registered, message.getAvailability());
        }
      }
      case UPDATE_WORKER -> {
        if (requireRegistered(registered)) {
          UpdateWorkerStatus update = message.getUpdateWorker();
          registered.updateStatus(
              update.hasStatus(), update.getStatus(), update.getLoad(), update.getJobCount());
        }
      }
      case UPDATE_JOB -> {
        if (requireRegistered(registered)) {
          service.launcher().onJobUpdate(registered, message.getUpdateJob());
        }
      }
      case MIGRATE_JOB, SIMULATE_JOB -> {
        // The OSS server ignores migrations; simulation needs rooms, which come later.
        if (requireRegistered(registered)) {
          LOG.info("worker {} sent {}; ignored", workerId, message.getMessageCase());
        }
      }
      default -> reject(StatusCode.BAD_DATA, "frame without a known message");
    }
  }

  private boolean requireRegistered(Worker registered) {
    if (registered == null) {
      reject(StatusCode.POLICY_VIOLATION, "unimplemented: expected register, not a message");
      return false;
    }
    return true;
  }

  private void register(RegisterWorkerRequest request) {
    if (request.getType() == JobType.UNRECOGNIZED) {
      reject(StatusCode.POLICY_VIOLATION, "invalid job type " + request.getTypeValue());
      return;
    }
    ParticipantPermission permissions =
        request.hasAllowedPermissions()
            ? request.getAllowedPermissions()
            : ParticipantPermission.newBuilder()
                .setCanSubscribe(true)
                .setCanPublish(true)
                .setCanPublishData(true)
                .setCanUpdateMetadata(true)
                .build();
    Worker registered =
        new Worker(
            workerId,
            apiKey,
            new Worker.Registration(
                request.getAgentName(), request.getType(), request.getVersion(), permissions),
            service.clock().instant(),
            this::send);
    registrationDeadline.cancel(false);
    // Under the send lock: the worker joins the pool before it can see the reply (so a dispatch
    // made right after registering finds it), yet no offer can overtake the reply.
    synchronized (this) {
      worker = registered;
      service.registered(registered);
      send(
          ServerMessage.newBuilder()
              .setRegister(
                  RegisterWorkerResponse.newBuilder()
                      .setWorkerId(workerId)
                      .setServerInfo(service.serverInfo()))
              .build());
    }
    LOG.info(
        "registered worker {} agent '{}' type {} version {}",
        workerId,
        request.getAgentName(),
        request.getType(),
        request.getVersion());
  }

  private void pong(WorkerPing ping) {
    send(
        ServerMessage.newBuilder()
            .setPong(
                WorkerPong.newBuilder()
                    .setLastTimestamp(ping.getTimestamp())
                    .setTimestamp(service.clock().millis()))
            .build());
  }

  private void registrationTimedOut() {
    if (worker == null) {
      reject(StatusCode.POLICY_VIOLATION, "worker did not register in time");
    }
  }

  private void reject(int code, String why) {
    LOG.warn("closing agent socket {}: {}", workerId, why);
    Session s = session;
    if (s != null) {
      s.close(code, why, Callback.NOOP);
    }
  }

  private synchronized void send(ServerMessage message) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    if (json) {
      try {
        s.sendText(JsonFormat.printer().print(message), Callback.NOOP);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      s.sendBinary(ByteBuffer.wrap(message.toByteArray()), Callback.NOOP);
    }
  }

  private void cancelTimers() {
    if (registrationDeadline != null) {
      registrationDeadline.cancel(false);
    }
    if (pinger != null) {
      pinger.cancel(false);
    }
  }
}
