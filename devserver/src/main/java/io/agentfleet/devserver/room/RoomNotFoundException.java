package io.agentfleet.devserver.room;

/** The request names a room or dispatch that does not exist. */
public final class RoomNotFoundException extends Exception {
  public RoomNotFoundException(String message) {
    super(message);
  }
}
