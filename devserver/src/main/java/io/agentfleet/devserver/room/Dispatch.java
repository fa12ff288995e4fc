package io.agentfleet.devserver.room;

/** An agent dispatch in a room: which agent should join. Its jobs are the launcher's. */
public final class Dispatch {
  private final String id;
  private final String agentName;
  private final String room;
  private final String metadata;
  private final long createdAtNanos;
  private volatile boolean deleted;

  Dispatch(String id, String agentName, String room, String metadata, long createdAtNanos) {
    this.id = id;
    this.agentName = agentName;
    this.room = room;
    this.metadata = metadata;
    this.createdAtNanos = createdAtNanos;
  }

  public String id() {
    return id;
  }

  public String agentName() {
    return agentName;
  }

  public String room() {
    return room;
  }

  public String metadata() {
    return metadata;
  }

  public long createdAtNanos() {
    return createdAtNanos;
  }

  public boolean deleted() {
    return deleted;
  }

  void markDeleted() {
    deleted = true;
  }
}
