package io.agentfleet.devserver.room;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitModels;

/** A room: its protobuf description and its dispatches by id. */
public final class Room {
  private volatile LivekitModels.Room info;
  private final Map<String, Dispatch> dispatches = new ConcurrentHashMap<>();

  Room(LivekitModels.Room info) {
    this.info = info;
  }

  public LivekitModels.Room info() {
    return info;
  }

  void update(LivekitModels.Room newInfo) {
    info = newInfo;
  }

  public String name() {
    return info.getName();
  }

  public List<Dispatch> dispatches() {
    return List.copyOf(dispatches.values());
  }

  Map<String, Dispatch> dispatchMap() {
    return dispatches;
  }
}
