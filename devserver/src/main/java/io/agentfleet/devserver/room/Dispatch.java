package io.agentfleet.devserver.room;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An agent dispatch in a room: which agent should join, and the jobs created for it. */
public final class Dispatch {
  private final String id;
  private final String agentName;
  private final String room;
  private final String metadata;
  private final long createdAtNanos;
  private final List<String> jobIds = new CopyOnWriteArrayList<>();
  private volatile boolean launching;

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

  public List<String> jobIds() {
    return List.copyOf(jobIds);
  }

  void addJob(String jobId) {
    jobIds.add(jobId);
  }

  /** True while a job for this dispatch is being offered, so a replay does not launch twice. */
  synchronized boolean startLaunch() {
    if (launching) {
      return false;
    }
    launching = true;
    return true;
  }

  synchronized void endLaunch() {
    launching = false;
  }
}
