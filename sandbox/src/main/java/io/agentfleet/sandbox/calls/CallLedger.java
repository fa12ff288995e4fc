package io.agentfleet.sandbox.calls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every call of a run: when it was dispatched, when an agent joined, when and how it ended. It is
 * the evidence for "no call dropped": a call whose agent is lost while the call runs is {@link
 * CallOutcome#DROPPED}. It is fed by the LiveKit server's report of each job ({@link ServerJobs}).
 */
public final class CallLedger {
  private final Clock clock;
  private final Map<String, CallRecord> byDispatch = new LinkedHashMap<>();
  private final Map<String, MediaResult> mediaByDispatch = new LinkedHashMap<>();
  private final Map<String, String> dispatchByRoom = new HashMap<>();
  private final Map<String, String> dispatchByJob = new HashMap<>();
  private final Map<String, JobEvent> early = new HashMap<>();

  /**
   * Media calls (see {@code --media}) at a glance.
   *
   * @param inCall callers still in their call
   * @param heard callers that heard their own tone back
   * @param notHeard callers that finished without hearing it (silent, wrong tone or failed)
   */
  public record MediaTally(int inCall, int heard, int notHeard) {}

  public CallLedger(Clock clock) {
    this.clock = clock;
  }

  public synchronized void dispatched(CallRecord record) {
    byDispatch.put(record.dispatchId(), record);
    dispatchByRoom.put(record.room(), record.dispatchId());
    JobEvent placed = early.remove(record.room());
    if (placed != null) {
      place(record.dispatchId(), placed);
    }
  }

  /** What a media call's caller heard so far; replaces the call's previous result. */
  public synchronized void media(String dispatchId, MediaResult result) {
    mediaByDispatch.put(dispatchId, result);
  }

  /** Media results by dispatch id, in the order the calls were placed. */
  public synchronized Map<String, MediaResult> mediaResults() {
    return new LinkedHashMap<>(mediaByDispatch);
  }

  public synchronized MediaTally mediaTally() {
    int inCall = 0;
    int heard = 0;
    for (MediaResult r : mediaByDispatch.values()) {
      if (!r.done()) {
        inCall++;
      } else if (r.heardOwnTone()) {
        heard++;
      }
    }
    return new MediaTally(inCall, heard, mediaByDispatch.size() - inCall - heard);
  }

  /**
   * Folds the server's reports into the ledger: a placement goes to the call in its room, an end to
   * the call of that job, a lost worker to every call still on it. A placement may be logged before
   * the call's dispatch returned to the caller; it waits for its record.
   */
  public synchronized void observe(List<JobEvent> events) {
    for (JobEvent event : events) {
      switch (event.kind()) {
        case PLACED -> {
          String id = dispatchByRoom.get(event.room());
          if (id == null) {
            early.put(event.room(), event);
          } else {
            place(id, event);
          }
        }
        case ENDED -> {
          String id = dispatchByJob.get(event.jobId());
          if (id != null) {
            byDispatch.computeIfPresent(id, (k, r) -> r.observe(event));
          }
        }
        case WORKER_GONE ->
            byDispatch.replaceAll(
                (k, r) -> event.workerId().equals(r.workerId()) ? r.observe(event) : r);
      }
    }
  }

  private void place(String dispatchId, JobEvent placed) {
    CallRecord before = byDispatch.get(dispatchId);
    CallRecord after = before.observe(placed);
    if (after != before) {
      byDispatch.put(dispatchId, after);
      // A call given a new agent belongs to its new job only: the server may still report the end
      // of the lost job later (when the room closes), and that is not the end of the call.
      dispatchByJob.values().remove(dispatchId);
      dispatchByJob.put(placed.jobId(), dispatchId);
    }
  }

  /** Marks calls that never found a worker; call at the end of a run. */
  public synchronized void close() {
    byDispatch.replaceAll((id, record) -> record.close());
  }

  public synchronized List<CallRecord> records() {
    return new ArrayList<>(byDispatch.values());
  }

  public synchronized Map<CallOutcome, Integer> counts() {
    Map<CallOutcome, Integer> counts = new EnumMap<>(CallOutcome.class);
    for (CallOutcome o : CallOutcome.values()) {
      counts.put(o, 0);
    }
    byDispatch.values().forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
    return counts;
  }

  /**
   * The ledger as CSV, one call a line. {@code join_ms} is from dispatch to the job placed; {@code
   * media} is empty for calls without media; {@code agent_gap_ms} is set for a call whose worker
   * went away and that got a new agent; the outcome stays the last column.
   */
  public synchronized void write(Path file) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "room,dispatch_id,agent,length_s,dispatched_at,joined_at,ended_at,worker_id,join_ms,media,"
                + "agent_gap_ms,outcome\n");
    for (CallRecord r : byDispatch.values()) {
      csv.append(r.room())
          .append(',')
          .append(r.dispatchId())
          .append(',')
          .append(r.agentName())
          .append(',')
          .append(r.length().toMillis() / 1000.0)
          .append(',')
          .append(r.dispatchedAt())
          .append(',')
          .append(r.joinedAt() == null ? "" : r.joinedAt())
          .append(',')
          .append(r.endedAt() == null ? "" : r.endedAt())
          .append(',')
          .append(r.workerId() == null ? "" : r.workerId())
          .append(',')
          .append(r.joinLatency() == null ? "" : Long.toString(r.joinLatency().toMillis()))
          .append(',')
          .append(
              mediaByDispatch.containsKey(r.dispatchId())
                  ? mediaByDispatch.get(r.dispatchId()).csv()
                  : "")
          .append(',')
          .append(r.agentGap() == null ? "" : Long.toString(r.agentGap().toMillis()))
          .append(',')
          .append(r.outcome())
          .append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, csv);
  }
}
