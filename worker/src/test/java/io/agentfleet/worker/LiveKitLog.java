package io.agentfleet.worker;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The real server's log, read as it grows. It is the only place {@code livekit-server} tells when
 * it registered or dropped a worker and how it recorded a job's end: its APIs do not show workers,
 * and {@code ListDispatch} keeps the job state of the assignment. The console format is {@code time
 * TAB level TAB logger TAB caller TAB message [TAB json-fields]}.
 */
final class LiveKitLog {
  /** One line: its message and its structured fields. */
  record Entry(String message, JsonObject fields) {
    String field(String name) {
      return fields.has(name) && fields.get(name).isJsonPrimitive()
          ? fields.get(name).getAsString()
          : "";
    }
  }

  private final Path file;
  private final List<Entry> entries = new ArrayList<>();
  private long offset;
  private int from;

  LiveKitLog(Path file) {
    this.file = file;
  }

  /**
   * Later questions look only at what is logged from now on (a restarted server forgot the rest).
   */
  synchronized void startOver() {
    read();
    from = entries.size();
  }

  /** The first entry since {@link #startOver} with this message that matches. */
  synchronized Optional<Entry> find(String message, Predicate<Entry> matching) {
    return entries().stream()
        .filter(e -> e.message().equals(message) && matching.test(e))
        .findFirst();
  }

  /** Every entry since {@link #startOver}, in order. */
  synchronized List<Entry> entries() {
    read();
    return List.copyOf(entries.subList(from, entries.size()));
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
    JsonObject fields = new JsonObject();
    if (parts.length == 6) {
      try {
        fields = JsonParser.parseString(parts[5]).getAsJsonObject();
      } catch (JsonParseException | IllegalStateException notJson) {
        // a message with a tab in it; its fields are not needed
      }
    }
    entries.add(new Entry(parts[4], fields));
  }
}
