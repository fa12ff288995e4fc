package io.agentfleet.sandbox.calls;

import io.agentfleet.controlplane.LiveKitLog;
import java.util.List;
import java.util.Optional;

/**
 * The call ledger's source: the LiveKit server's own report of each job, from its log. Its APIs
 * cannot serve here: webhooks speak of participants, and an agent that holds a call without joining
 * the room (our worker's hold agent) is none; {@code ListDispatch} keeps a job RUNNING after it
 * ended. The log says when the server placed a job on a worker ({@code assigned job to worker}),
 * how the worker said it ended ({@code job ended}) and when it lost a worker ({@code closing
 * worker}), each with the server's time.
 */
public final class ServerJobs {
  /** The error livekit-server records on a job whose agent participant left the room. */
  static final String AGENT_LEFT = "agent worker left the room";

  private final LiveKitLog log;
  private int position;

  public ServerJobs(LiveKitLog log) {
    this.log = log;
  }

  /** The job events logged since the last call. */
  public synchronized List<JobEvent> next() {
    List<LiveKitLog.Entry> entries = log.entriesFrom(position);
    position += entries.size();
    return entries.stream().map(ServerJobs::event).flatMap(Optional::stream).toList();
  }

  private static JobEvent.End end(LiveKitLog.Entry e) {
    if (e.field("status").equals("JS_SUCCESS")) {
      return JobEvent.End.SUCCESS;
    }
    return e.field("error").equals(AGENT_LEFT) ? JobEvent.End.AGENT_LEFT : JobEvent.End.FAILED;
  }

  static Optional<JobEvent> event(LiveKitLog.Entry e) {
    return switch (e.message()) {
      case "assigned job to worker" ->
          Optional.of(
              JobEvent.placed(e.field("room"), e.field("jobID"), e.field("workerID"), e.time()));
      case "job ended" -> Optional.of(JobEvent.ended(e.field("jobID"), end(e), e.time()));
      case "closing worker" -> Optional.of(JobEvent.workerGone(e.field("workerID"), e.time()));
      default -> Optional.empty();
    };
  }
}
