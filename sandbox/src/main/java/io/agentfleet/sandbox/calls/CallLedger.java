package io.agentfleet.sandbox.calls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every call of a run: when it was dispatched, when an agent joined, when and how it ended. It is
 * the evidence for "no call dropped": a call whose worker disappears while the call runs is {@link
 * CallOutcome#DROPPED}.
 */
public final class CallLedger {
  private final Clock clock;
  private final Map<String, CallRecord> byDispatch = new LinkedHashMap<>();

  public CallLedger(Clock clock) {
    this.clock = clock;
  }

  public synchronized void dispatched(CallRecord record) {
    byDispatch.put(record.dispatchId(), record);
  }

  /** Folds one devserver snapshot into the ledger. */
  public synchronized void observe(DevServerState state) {
    var jobs = state.jobsByDispatch();
    Set<String> alive = state.workerIds();
    var now = clock.instant();
    byDispatch.replaceAll(
        (id, record) -> {
          DevServerState.JobView job = jobs.get(id);
          return record.observe(job, job != null && alive.contains(job.workerId()), now);
        });
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

  /** The ledger as CSV, one call a line. */
  public synchronized void write(Path file) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "room,dispatch_id,agent,length_s,dispatched_at,joined_at,ended_at,worker_id,outcome\n");
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
          .append(r.outcome())
          .append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, csv);
  }
}
