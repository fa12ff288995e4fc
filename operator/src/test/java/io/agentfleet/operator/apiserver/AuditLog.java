package io.agentfleet.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The API server's audit log: one JSON line per request it answered (writes only, unless the
 * control plane audits reads too), with who, what and the answer's code. Tests count an operator's
 * writes with it; the footprint benchmark all its requests.
 */
final class AuditLog {

  /** One request. */
  record Request(
      Instant at,
      String user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name,
      int code) {

    /** e.g. {@code pods}, {@code agentdeployments/status}. */
    String what() {
      return subresource == null ? resource : resource + "/" + subresource;
    }

    boolean isWrite() {
      return !READS.contains(verb);
    }

    boolean by(String username) {
      return username.equals(user);
    }

    boolean is(String verb, String what) {
      return this.verb.equals(verb) && what().equals(what);
    }

    @Override
    public String toString() {
      return "%s %s %s %s/%s -> %d by %s".formatted(at, verb, what(), namespace, name, code, user);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.Set<String> READS = java.util.Set.of("get", "list", "watch");

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** Every request logged; reads only when the control plane audits them. */
  List<Request> requests() {
    List<Request> requests = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode e;
      try {
        e = JSON.readTree(line);
      } catch (IOException partial) {
        // the last line may be half written
        continue;
      }
      JsonNode ref = e.path("objectRef");
      requests.add(
          new Request(
              Instant.parse(e.path("requestReceivedTimestamp").asText()),
              e.path("user").path("username").asText(),
              e.path("verb").asText(),
              text(ref, "apiGroup"),
              text(ref, "resource"),
              text(ref, "subresource"),
              text(ref, "namespace"),
              text(ref, "name"),
              e.path("responseStatus").path("code").asInt()));
    }
    return requests;
  }

  List<Request> writes() {
    return writes(w -> true);
  }

  List<Request> writes(Predicate<Request> filter) {
    return requests().stream().filter(Request::isWrite).filter(filter).toList();
  }

  /** Writes by {@code user} received at or after {@code from}. */
  List<Request> by(String user, Instant from) {
    return writes(w -> w.by(user) && !w.at().isBefore(from));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
