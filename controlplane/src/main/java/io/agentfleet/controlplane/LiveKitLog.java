package io.agentfleet.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The real server's log, read as it grows. It is the only place {@code livekit-server} tells when
 * it registered or dropped a worker and how it recorded a job's end: its APIs do not show workers,
 * and {@code ListDispatch} keeps the job state of the assignment. The console format is {@code time
 * TAB level TAB logger TAB caller TAB message [TAB json-fields]}.
 */
public final class LiveKitLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One line: when the server wrote it, its message and its structured fields. */
  public record Entry(Instant time, String message, JsonNode fields) {
    public String field(String name) {
      JsonNode value = fields.get(name);
      return value != null && value.isValueNode() ? value.asText() : "";
    }
  }

  /** A worker the server registered and has not closed, by the server's worker id. */
  public record Worker(String id, String agentName) {}

  private final Path file;
  private final List<Entry> entries = new ArrayList<>();
  private long offset;
  private int from;

  public LiveKitLog(Path file) {
    this.file = file;
  }

  /**
   * Later questions look only at what is logged from now on (a restarted server forgot the rest).
   */
  public synchronized void startOver() {
    read();
    from = entries.size();
  }

  /** The first entry since {@link #startOver} with this message that matches. */
  public synchronized Optional<Entry> find(String message, Predicate<Entry> matching) {
    return entries().stream()
        .filter(e -> e.message().equals(message) && matching.test(e))
        .findFirst();
  }

  /**
   * The entries from {@code index} (counted from the start of the log, not from {@link #startOver})
   * on: a reader that keeps its place reads each line once.
   */
  public synchronized List<Entry> entriesFrom(int index) {
    read();
    return index >= entries.size()
        ? List.of()
        : List.copyOf(entries.subList(index, entries.size()));
  }

  /** Every entry since {@link #startOver}, in order. */
  public synchronized List<Entry> entries() {
    read();
    return List.copyOf(entries.subList(from, entries.size()));
  }

  /**
   * The workers registered now: {@code worker registered} logged once the server can offer a worker
   * jobs, {@code closing worker} once it dropped it.
   */
  public synchronized List<Worker> registeredWorkers() {
    Map<String, Worker> workers = new LinkedHashMap<>();
    for (Entry e : entries()) {
      switch (e.message()) {
        case "worker registered" ->
            workers.put(e.field("workerID"), new Worker(e.field("workerID"), e.field("agentName")));
        case "closing worker" -> workers.remove(e.field("workerID"));
        default -> {
          // not about worker registration
        }
      }
    }
    return List.copyOf(workers.values());
  }

  private void read() {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= offset) {
        return;
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) (size - offset));
      channel.read(buffer, offset);
      byte[] bytes = buffer.array();
      // Only whole lines: the server may be in the middle of writing the last one.
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      offset += end;
      new String(bytes, 0, end, StandardCharsets.UTF_8).lines().forEach(this::parse);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void parse(String line) {
    String[] parts = line.split("\t", 6);
    if (parts.length < 5) {
      return;
    }
    JsonNode fields = JsonNodeFactory.instance.objectNode();
    if (parts.length == 6) {
      try {
        JsonNode parsed = JSON.readTree(parts[5]);
        if (parsed instanceof ObjectNode) {
          fields = parsed;
        }
      } catch (JsonProcessingException notJson) {
        // a message with a tab in it; its fields are not needed
      }
    }
    Instant time;
    try {
      time = Instant.parse(parts[0]);
    } catch (DateTimeParseException e) {
      return;
    }
    entries.add(new Entry(time, parts[4], fields));
  }
}
