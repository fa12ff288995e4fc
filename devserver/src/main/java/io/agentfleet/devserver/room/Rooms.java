package io.agentfleet.devserver.room;

import io.agentfleet.devserver.agent.AgentService;
import io.agentfleet.devserver.agent.Ids;
import io.agentfleet.devserver.agent.JobLauncher;
import io.agentfleet.devserver.webhook.WebhookEvents;
import io.agentfleet.devserver.webhook.WebhookNotifier;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.AgentDispatchState;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitModels;
import livekit.LivekitRoom.CreateRoomRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms and their agent dispatches, and the rule that turns a dispatch into a room job: a room
 * created with no agents list gets one automatic dispatch (empty agent name); otherwise one
 * dispatch per listed agent. Each dispatch launches one JT_ROOM job when it is created.
 */
public final class Rooms {
  private static final Logger LOG = LoggerFactory.getLogger(Rooms.class);

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final JobLauncher launcher;
  private final Clock clock;
  private final WebhookNotifier webhooks;
  private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

  /**
   * A dispatch that finds no worker keeps no job and is never offered again, not even when a
   * matching worker registers later: livekit-server 1.13.5 does the same (its job request fails
   * with "no worker available to handle job" and nothing retries it).
   */
  public Rooms(AgentService agents, Clock clock, WebhookNotifier webhooks) {
    this.webhooks = webhooks;
    this.launcher = agents.launcher();
    this.clock = clock;
  }

  /** Creates the room, or updates the stored fields of an existing one (the call is idempotent). */
  public LivekitModels.Room createRoom(CreateRoomRequest request) {
    Instant now = clock.instant();
    boolean[] created = {false};
    Room room =
        rooms.compute(
            request.getName(),
            (name, existing) -> {
              if (existing != null) {
                existing.update(
                    existing.info().toBuilder()
                        .setMetadata(request.getMetadata())
                        .setEmptyTimeout(request.getEmptyTimeout())
                        .setDepartureTimeout(request.getDepartureTimeout())
                        .setMaxParticipants(request.getMaxParticipants())
                        .build());
                return existing;
              }
              created[0] = true;
              return new Room(
                  LivekitModels.Room.newBuilder()
                      .setSid(Ids.next("RM_"))
                      .setName(name)
                      .setEmptyTimeout(
                          request.getEmptyTimeout() == 0 ? 300 : request.getEmptyTimeout())
                      .setDepartureTimeout(
                          request.getDepartureTimeout() == 0 ? 20 : request.getDepartureTimeout())
                      .setMaxParticipants(request.getMaxParticipants())
                      .setCreationTime(now.getEpochSecond())
                      .setCreationTimeMs(now.toEpochMilli())
                      .setMetadata(request.getMetadata())
                      .build());
            });
    if (created[0]) {
      webhooks.send(WebhookEvents.room(WebhookEvents.ROOM_STARTED, room.info()));
      List<RoomAgentDispatch> agents =
          request.getAgentsList().isEmpty()
              ? List.of(RoomAgentDispatch.getDefaultInstance())
              : request.getAgentsList();
      for (RoomAgentDispatch agent : agents) {
        addDispatch(room, agent.getAgentName(), agent.getMetadata());
      }
    }
    return room.info();
  }

  public List<LivekitModels.Room> list(Collection<String> names) {
    List<LivekitModels.Room> result = new ArrayList<>();
    for (Room room : rooms.values()) {
      if (names.isEmpty() || names.contains(room.name())) {
        result.add(room.info());
      }
    }
    return result;
  }

  public Optional<Room> room(String name) {
    return Optional.ofNullable(rooms.get(name));
  }

  /** Called with the room's name after a room is deleted (its participants must go too). */
  public void onDeleted(Consumer<String> listener) {
    deletionListeners.add(listener);
  }

  /** Deletes the room and ends its agents' jobs. */
  public void deleteRoom(String name) throws RoomNotFoundException {
    Room room = rooms.remove(name);
    if (room == null) {
      throw new RoomNotFoundException("requested room does not exist");
    }
    room.dispatches().forEach(this::end);
    deletionListeners.forEach(l -> l.accept(name));
    webhooks.send(WebhookEvents.room(WebhookEvents.ROOM_FINISHED, room.info()));
  }

  /**
   * Adds a dispatch, creating the room first if needed (as with {@code room.auto_create}). A room
   * created here is created as by {@code CreateRoom} with no agents list, so it also gets the
   * automatic (unnamed) dispatch, as on livekit-server.
   */
  public AgentDispatch createDispatch(String roomName, String agentName, String metadata) {
    if (!rooms.containsKey(roomName)) {
      createRoom(CreateRoomRequest.newBuilder().setName(roomName).build());
    }
    Room room = rooms.get(roomName);
    return describe(addDispatch(room, agentName, metadata));
  }

  public AgentDispatch deleteDispatch(String roomName, String dispatchId)
      throws RoomNotFoundException {
    Room room = rooms.get(roomName);
    Dispatch removed = room == null ? null : room.dispatchMap().remove(dispatchId);
    if (removed == null) {
      throw new RoomNotFoundException("dispatch ID not found");
    }
    end(removed);
    AgentDispatch described = describe(removed);
    return described.toBuilder()
        .setState(described.getState().toBuilder().setDeletedAt(nanos(clock.instant())))
        .build();
  }

  public List<AgentDispatch> listDispatches(String roomName, String dispatchId)
      throws RoomNotFoundException {
    Room room = rooms.get(roomName);
    if (room == null) {
      throw new RoomNotFoundException("requested room does not exist");
    }
    List<AgentDispatch> result = new ArrayList<>();
    for (Dispatch d : room.dispatches()) {
      if (dispatchId.isEmpty() || dispatchId.equals(d.id())) {
        result.add(describe(d));
      }
    }
    return result;
  }

  private Dispatch addDispatch(Room room, String agentName, String metadata) {
    Dispatch dispatch =
        new Dispatch(Ids.next("AD_"), agentName, room.name(), metadata, nanos(clock.instant()));
    room.dispatchMap().put(dispatch.id(), dispatch);
    launch(room, dispatch);
    return dispatch;
  }

  private void launch(Room room, Dispatch dispatch) {
    Job job =
        Job.newBuilder()
            .setId(Ids.next("AJ_"))
            .setDispatchId(dispatch.id())
            .setType(JobType.JT_ROOM)
            .setRoom(room.info())
            .setAgentName(dispatch.agentName())
            .setMetadata(dispatch.metadata())
            .build();
    launcher
        .launch(job)
        .whenComplete(
            (placed, error) -> {
              if (error != null) {
                LOG.warn("launching job {} failed", job.getId(), error);
              } else if (dispatch.deleted()) {
                // Deleted while the offer was out: end what was just placed.
                placed.ifPresent(j -> launcher.terminate(j.getId()));
              }
            });
  }

  /**
   * The participant launch point: a caller joined, so every dispatch of the room gets a {@code
   * JT_PARTICIPANT} job for that caller (when such workers exist). Never for agents.
   */
  public void participantJoined(String roomName, LivekitModels.ParticipantInfo participant) {
    launchFor(roomName, participant, JobType.JT_PARTICIPANT);
  }

  /** The publisher launch point: a caller published its first track ({@code JT_PUBLISHER}). */
  public void participantPublished(String roomName, LivekitModels.ParticipantInfo participant) {
    launchFor(roomName, participant, JobType.JT_PUBLISHER);
  }

  private void launchFor(String roomName, LivekitModels.ParticipantInfo participant, JobType type) {
    Room room = rooms.get(roomName);
    if (room == null || participant.getKind() == LivekitModels.ParticipantInfo.Kind.AGENT) {
      return;
    }
    for (Dispatch d : room.dispatches()) {
      Job job =
          Job.newBuilder()
              .setId(Ids.next("AJ_"))
              .setDispatchId(d.id())
              .setType(type)
              .setRoom(room.info())
              .setParticipant(participant)
              .setAgentName(d.agentName())
              .setMetadata(d.metadata())
              .build();
      if (!launcher.hasWorkersFor(job)) {
        continue;
      }
      launcher
          .launch(job)
          .whenComplete(
              (placed, error) -> {
                if (error != null) {
                  LOG.warn("launching job {} failed", job.getId(), error);
                } else if (d.deleted()) {
                  placed.ifPresent(j -> launcher.terminate(j.getId()));
                }
              });
    }
  }

  /** Marks the dispatch deleted and terminates its jobs. */
  private void end(Dispatch d) {
    d.markDeleted();
    launcher.jobsOfDispatch(d.id()).forEach(j -> launcher.terminate(j.getId()));
  }

  private AgentDispatch describe(Dispatch d) {
    AgentDispatchState.Builder state =
        AgentDispatchState.newBuilder().setCreatedAt(d.createdAtNanos());
    launcher.jobsOfDispatch(d.id()).forEach(state::addJobs);
    return AgentDispatch.newBuilder()
        .setId(d.id())
        .setAgentName(d.agentName())
        .setRoom(d.room())
        .setMetadata(d.metadata())
        .setState(state)
        .build();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
