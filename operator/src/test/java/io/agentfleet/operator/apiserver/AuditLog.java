package io.agentfleet.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

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

  /**
   * How many times each name of {@code resource} (e.g. {@code pods}) was created in {@code
   * namespace}: a name above 1 is a create that a retry did again after a lost answer.
   */
  Map<String, Long> creations(String namespace, String resource) {
    return writes(w -> w.is("create", resource) && w.code() == 201).stream()
        .filter(w -> namespace.equals(w.namespace()))
        .collect(Collectors.groupingBy(Request::name, TreeMap::new, Collectors.counting()));
  }

  /**
   * The most pods of {@code namespace} alive at once, in the order the API server received the
   * requests: a pod lives from its creation to the first deletion accepted for it (the drain; the
   * deletion that ends the drain is its second). What a surge limit bounds.
   */
  int mostPodsAlive(String namespace) {
    Set<String> alive = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    int most = 0;
    List<Request> inOrder =
        writes(w -> namespace.equals(w.namespace()) && "pods".equals(w.what())).stream()
            .sorted(Comparator.comparing(Request::at))
            .toList();
    for (Request w : inOrder) {
      if (w.verb().equals("create") && w.code() == 201) {
        alive.add(w.name());
      } else if (w.verb().equals("delete") && w.code() == 200 && deleted.add(w.name())) {
        alive.remove(w.name());
      }
      most = Math.max(most, alive.size());
    }
    return most;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
