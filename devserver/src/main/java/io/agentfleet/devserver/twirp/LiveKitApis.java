package io.agentfleet.devserver.twirp;

import io.agentfleet.devserver.auth.Claims;
import io.agentfleet.devserver.room.RoomNotFoundException;
import io.agentfleet.devserver.room.Rooms;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.DeleteAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchRequest;
import livekit.LivekitAgentDispatch.ListAgentDispatchResponse;
import livekit.LivekitModels;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.DeleteRoomRequest;
import livekit.LivekitRoom.DeleteRoomResponse;
import livekit.LivekitRoom.ListParticipantsRequest;
import livekit.LivekitRoom.ListParticipantsResponse;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;

/**
 * The subset of {@code RoomService} and {@code AgentDispatchService} the devserver implements, with
 * the grants {@code roomservice.go} and {@code agent_dispatch_service.go} check.
 */
public final class LiveKitApis {
  private static final int MAX_METADATA = 512 * 1024;

  private final Rooms rooms;
  private final Function<String, List<ParticipantInfo>> participants;

  /**
   * @param participants who is connected to a room over {@code /rtc}
   */
  public LiveKitApis(Rooms rooms, Function<String, List<ParticipantInfo>> participants) {
    this.rooms = rooms;
    this.participants = participants;
  }

  public Map<String, TwirpMethod<?, ?>> methods() {
    return Map.of(
        "livekit.RoomService/CreateRoom",
        new TwirpMethod<>(CreateRoomRequest.getDefaultInstance(), this::createRoom),
        "livekit.RoomService/ListRooms",
        new TwirpMethod<>(ListRoomsRequest.getDefaultInstance(), this::listRooms),
        "livekit.RoomService/DeleteRoom",
        new TwirpMethod<>(DeleteRoomRequest.getDefaultInstance(), this::deleteRoom),
        "livekit.RoomService/ListParticipants",
        new TwirpMethod<>(ListParticipantsRequest.getDefaultInstance(), this::listParticipants),
        "livekit.AgentDispatchService/CreateDispatch",
        new TwirpMethod<>(CreateAgentDispatchRequest.getDefaultInstance(), this::createDispatch),
        "livekit.AgentDispatchService/DeleteDispatch",
        new TwirpMethod<>(DeleteAgentDispatchRequest.getDefaultInstance(), this::deleteDispatch),
        "livekit.AgentDispatchService/ListDispatch",
        new TwirpMethod<>(ListAgentDispatchRequest.getDefaultInstance(), this::listDispatch));
  }

  private LivekitModels.Room createRoom(Claims claims, CreateRoomRequest request)
      throws TwirpException {
    require(claims.grant("roomCreate"));
    if (request.getName().isEmpty()) {
      throw TwirpException.invalidArgument("room name cannot be empty");
    }
    return rooms.createRoom(request);
  }

  private ListRoomsResponse listRooms(Claims claims, ListRoomsRequest request)
      throws TwirpException {
    require(claims.grant("roomList"));
    return ListRoomsResponse.newBuilder().addAllRooms(rooms.list(request.getNamesList())).build();
  }

  // roomCreate, not roomAdmin: that is what the Go server checks for DeleteRoom.
  private DeleteRoomResponse deleteRoom(Claims claims, DeleteRoomRequest request)
      throws TwirpException {
    require(claims.grant("roomCreate"));
    try {
      rooms.deleteRoom(request.getRoom());
    } catch (RoomNotFoundException e) {
      throw TwirpException.notFound(e.getMessage());
    }
    return DeleteRoomResponse.getDefaultInstance();
  }

  // Rooms have no participants yet: signalling arrives with the media issue.
  private ListParticipantsResponse listParticipants(Claims claims, ListParticipantsRequest request)
      throws TwirpException {
    requireRoomAdmin(claims, request.getRoom());
    if (rooms.room(request.getRoom()).isEmpty()) {
      throw TwirpException.notFound("requested room does not exist");
    }
    return ListParticipantsResponse.newBuilder()
        .addAllParticipants(participants.apply(request.getRoom()))
        .build();
  }

  private AgentDispatch createDispatch(Claims claims, CreateAgentDispatchRequest request)
      throws TwirpException {
    requireRoomAdmin(claims, request.getRoom());
    if (request.getRoom().isEmpty()) {
      throw TwirpException.invalidArgument("room name cannot be empty");
    }
    if (request.getMetadata().length() > MAX_METADATA) {
      throw TwirpException.invalidArgument("metadata exceeds the limit of 512 KiB");
    }
    return rooms.createDispatch(request.getRoom(), request.getAgentName(), request.getMetadata());
  }

  private AgentDispatch deleteDispatch(Claims claims, DeleteAgentDispatchRequest request)
      throws TwirpException {
    requireRoomAdmin(claims, request.getRoom());
    try {
      return rooms.deleteDispatch(request.getRoom(), request.getDispatchId());
    } catch (RoomNotFoundException e) {
      throw TwirpException.notFound(e.getMessage());
    }
  }

  private ListAgentDispatchResponse listDispatch(Claims claims, ListAgentDispatchRequest request)
      throws TwirpException {
    requireRoomAdmin(claims, request.getRoom());
    try {
      return ListAgentDispatchResponse.newBuilder()
          .addAllAgentDispatches(rooms.listDispatches(request.getRoom(), request.getDispatchId()))
          .build();
    } catch (RoomNotFoundException e) {
      throw TwirpException.notFound(e.getMessage());
    }
  }

  private static void require(boolean granted) throws TwirpException {
    if (!granted) {
      throw TwirpException.permissionsDenied();
    }
  }

  private static void requireRoomAdmin(Claims claims, String room) throws TwirpException {
    require(claims.grant("roomAdmin") && claims.room().equals(room));
  }
}
