package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the sandbox API adds in front of the Fabric8 mock server's CRUD store, so that kubectl and
 * users meet an API server rather than a store: discovery and OpenAPI documents, admission (schema
 * + CEL, {@code 422 Invalid}), the scale subresource, and pod logs. Everything else goes to the
 * store unchanged.
 */
final class SandboxDispatcher extends Dispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION_JSON =
      "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-agentfleet-sandbox\","
          + "\"gitCommit\":\"\",\"gitTreeState\":\"clean\",\"buildDate\":\"2026-01-01T00:00:00Z\","
          + "\"goVersion\":\"none\",\"compiler\":\"none\",\"platform\":\"linux/amd64\"}";

  private final KubernetesCrudDispatcher store;
  private final Discovery discovery;
  private final Admission admission;
  private final PodLogs logs;

  SandboxDispatcher(
      KubernetesCrudDispatcher store, Discovery discovery, Admission admission, PodLogs logs) {
    this.store = store;
    this.discovery = discovery;
    this.admission = admission;
    this.logs = logs;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return route(request);
    } catch (RuntimeException e) {
      return status(
          new StatusBuilder()
              .withStatus("Failure")
              .withCode(500)
              .withReason("InternalError")
              .withMessage("sandbox API: " + e)
              .build());
    }
  }

  private MockResponse route(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      Optional<MockResponse> document = documents(bare, request.getHeader("Accept"));
      if (document.isPresent()) {
        return document.get();
      }
    }
    String contentType = Optional.ofNullable(request.getHeader("Content-Type")).orElse("");
    if (contentType.contains("protobuf")) {
      // kubectl create secret/namespace send protobuf; the store only reads JSON.
      return status(
          failure(
              415,
              "UnsupportedMediaType",
              "the sandbox API reads JSON and YAML only, not protobuf: use kubectl apply -f, or"
                  + " kubectl create ... --dry-run=client -o yaml | kubectl apply -f -"));
    }
    if (method == HttpMethod.POST && bare.startsWith("/apis/authorization.k8s.io/")) {
      return json(201, AccessReviews.allowAll(requestBody(request)));
    }
    Optional<ApiPath> parsed = ApiPath.parse(path);
    if (parsed.isPresent()
        && method == HttpMethod.PATCH
        && contentType.startsWith(JsonPatches.APPLY)) {
      return serverSideApply(request, parsed.get());
    }
    if (parsed.isPresent()
        && method == HttpMethod.PATCH
        && contentType.startsWith(JsonPatches.STRATEGIC)
        && parsed.get().subresource() == null
        && !discovery
            .find(parsed.get().group(), parsed.get().version(), parsed.get().plural())
            .map(admission::validates)
            .orElse(false)) {
      return strategicMerge(request, parsed.get());
    }
    if (parsed.isPresent()) {
      ApiPath api = parsed.get();
      Optional<ServedResource> resource = discovery.find(api.group(), api.version(), api.plural());
      if (resource.isPresent()) {
        Optional<MockResponse> handled = serve(request, api, resource.get(), contentType);
        if (handled.isPresent()) {
          return handled.get();
        }
        if (method == HttpMethod.GET && api.subresource() == null && !path.contains("watch=")) {
          return read(request, resource.get());
        }
      }
    }
    return store.dispatch(request);
  }

  private Optional<MockResponse> documents(String path, String accept) {
    if (path.equals("/version")) {
      return Optional.of(json(200, VERSION_JSON));
    }
    if (path.equals("/api")) {
      return Optional.of(json(200, Serialization.asJson(discovery.coreVersions())));
    }
    if (path.equals("/apis")) {
      return Optional.of(json(200, Serialization.asJson(discovery.groups())));
    }
    if (path.equals("/openapi/v2")) {
      if (accept != null && accept.contains("protobuf")) {
        return Optional.of(
            new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", OpenApiDocuments.PROTOBUF_TYPE)
                .setBody(OpenApiDocuments.v2Protobuf()));
      }
      return Optional.of(json(200, OpenApiDocuments.v2Json()));
    }
    if (path.startsWith("/openapi/v3")) {
      return Optional.of(status(failure(404, "NotFound", "the sandbox API serves /openapi/v2")));
    }
    String[] segments = path.substring(1).split("/");
    if (path.equals("/api/v1")) {
      return discovery.resourceList("", "v1").map(l -> json(200, Serialization.asJson(l)));
    }
    if (segments.length == 3 && segments[0].equals("apis")) {
      return Optional.of(
          discovery
              .resourceList(segments[1], segments[2])
              .map(l -> json(200, Serialization.asJson(l)))
              .orElseGet(() -> status(failure(404, "NotFound", "not found"))));
    }
    return Optional.empty();
  }

  private Optional<MockResponse> serve(
      RecordedRequest request, ApiPath api, ServedResource resource, String contentType) {
    HttpMethod method = request.method();
    if ("scale".equals(api.subresource()) && resource.scale() != null) {
      return Optional.of(scale(request, api, resource));
    }
    if ("log".equals(api.subresource()) && api.plural().equals("pods")) {
      return Optional.of(log(api));
    }
    if (api.subresource() != null || !admission.validates(resource)) {
      return Optional.empty();
    }
    JsonNode candidate;
    String name = api.name();
    switch (method) {
      case POST, PUT -> candidate = readTree(requestBody(request));
      case PATCH -> {
        if (contentType.startsWith(JsonPatches.STRATEGIC)
            || contentType.startsWith(JsonPatches.APPLY)) {
          return Optional.of(
              status(
                  failure(
                      415,
                      "UnsupportedMediaType",
                      "the body of the request was in an unknown format - accepted media types"
                          + " include: application/json-patch+json, application/merge-patch+json")));
        }
        MockResponse current = store.handleGet(api.objectPath());
        if (current.code() != 200) {
          return Optional.of(current);
        }
        JsonNode stored = readTree(body(current));
        JsonNode patch = readTree(requestBody(request));
        candidate =
            contentType.startsWith(JsonPatches.JSON_PATCH)
                ? JsonPatches.jsonPatch(stored, patch)
                : JsonPatches.mergePatch(stored, patch);
      }
      default -> {
        return Optional.empty();
      }
    }
    if (name == null && candidate.path("metadata").hasNonNull("name")) {
      name = candidate.path("metadata").path("name").asText();
    }
    return admission
        .check(
            resource,
            name == null ? "" : name,
            JSON.convertValue(JsonPatches.withoutNulls(candidate), Object.class))
        .map(SandboxDispatcher::status);
  }

  /**
   * A get or list, with the field selector applied here and the answer printed as a Table when
   * kubectl asks for one.
   */
  private MockResponse read(RecordedRequest request, ServedResource resource) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String query = q < 0 ? null : path.substring(q + 1);
    String selector = FieldSelectors.fromQuery(query);
    RecordedRequest forStore = request;
    if (selector != null) {
      String rest = FieldSelectors.withoutSelector(query);
      forStore =
          new RecordedRequest(
              "HTTP/1.1",
              HttpMethod.GET,
              path.substring(0, q) + (rest.isEmpty() ? "" : "?" + rest),
              request.getHeaders(),
              new Buffer());
    }
    MockResponse stored = store.dispatch(forStore);
    String accept = Optional.ofNullable(request.getHeader("Accept")).orElse("");
    boolean table = accept.contains("as=Table");
    if (stored.code() != 200) {
      return stored;
    }
    JsonNode answer = readTree(body(stored));
    if (answer.has("items") && answer instanceof ObjectNode list) {
      // The store says "List"; typed clients (kubectl describe's Events) want "EventList".
      list.put("kind", resource.kind() + "List");
    }
    if (selector != null && answer.has("items")) {
      com.fasterxml.jackson.databind.node.ArrayNode kept = JSON.createArrayNode();
      answer
          .path("items")
          .forEach(
              i -> {
                if (FieldSelectors.matches(i, selector)) {
                  kept.add(i);
                }
              });
      ((ObjectNode) answer).set("items", kept);
    }
    if (table) {
      answer = Tables.table(answer, discovery.columns(resource), java.time.Instant.now());
    }
    return json(200, answer.toString());
  }

  /**
   * Server-side apply as one field manager sees it: the applied object is merged into the stored
   * one (created when absent). The store has no field ownership, so fields a manager stops applying
   * are kept rather than removed; the operator only ever applies what it owns.
   */
  private MockResponse serverSideApply(RecordedRequest request, ApiPath api) {
    JsonNode applied = JsonPatches.withoutNulls(readYamlOrJson(requestBody(request)));
    Optional<ServedResource> resource = discovery.find(api.group(), api.version(), api.plural());
    MockResponse current = store.handleGet(api.objectPath());
    boolean exists = current.code() == 200;
    if (resource.isPresent() && api.subresource() == null && admission.validates(resource.get())) {
      JsonNode candidate =
          exists ? JsonPatches.mergePatch(readTree(body(current)), applied) : applied;
      Optional<Status> refused =
          admission.check(resource.get(), api.name(), JSON.convertValue(candidate, Object.class));
      if (refused.isPresent()) {
        return status(refused.get());
      }
    }
    if (!exists) {
      if (api.subresource() != null) {
        return current;
      }
      String collection = api.objectPath().substring(0, api.objectPath().lastIndexOf('/'));
      return store.dispatch(
          new RecordedRequest(
              "HTTP/1.1",
              HttpMethod.POST,
              collection,
              Headers.builder().add("Content-Type", "application/json").build(),
              new Buffer(applied.toString().getBytes(StandardCharsets.UTF_8))));
    }
    String target = api.objectPath() + (api.subresource() == null ? "" : "/" + api.subresource());
    // Merged here and stored whole: the store's own merge patch appends to lists, so every status
    // apply would add the conditions again instead of replacing them.
    JsonNode merged = JsonPatches.mergePatch(readTree(body(current)), applied);
    return store.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.PUT,
            target,
            Headers.builder().add("Content-Type", "application/json").build(),
            new Buffer(merged.toString().getBytes(StandardCharsets.UTF_8))));
  }

  /** The store cannot apply kubectl's strategic merge patches; the result is stored whole. */
  private MockResponse strategicMerge(RecordedRequest request, ApiPath api) {
    MockResponse current = store.handleGet(api.objectPath());
    if (current.code() != 200) {
      return current;
    }
    JsonNode merged =
        JsonPatches.strategicMerge(readTree(body(current)), readTree(requestBody(request)));
    return store.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.PUT,
            api.objectPath(),
            Headers.builder().add("Content-Type", "application/json").build(),
            new Buffer(merged.toString().getBytes(StandardCharsets.UTF_8))));
  }

  private static JsonNode readYamlOrJson(String text) {
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{")) {
      return readTree(text);
    }
    return JSON.valueToTree(Serialization.unmarshal(text, Object.class));
  }

  /** The scale subresource reads and writes the CRD's replica paths of the object itself. */
  private MockResponse scale(RecordedRequest request, ApiPath api, ServedResource resource) {
    MockResponse current = store.handleGet(api.objectPath());
    if (current.code() != 200) {
      return current;
    }
    JsonNode object = readTree(body(current));
    ServedResource.ScalePaths paths = resource.scale();
    ObjectNode scale = Scales.of(object, paths);
    if (request.method() == HttpMethod.GET) {
      return json(200, scale.toString());
    }
    JsonNode wanted;
    if (request.method() == HttpMethod.PUT) {
      wanted = readTree(requestBody(request));
    } else if (request.method() == HttpMethod.PATCH) {
      String type = Optional.ofNullable(request.getHeader("Content-Type")).orElse("");
      JsonNode patch = readTree(requestBody(request));
      wanted =
          type.startsWith(JsonPatches.JSON_PATCH)
              ? JsonPatches.jsonPatch(scale, patch)
              : JsonPatches.mergePatch(scale, patch);
    } else {
      return status(failure(405, "MethodNotAllowed", "scale supports get, update and patch"));
    }
    JsonNode replicas = wanted.path("spec").path("replicas");
    if (!replicas.isIntegralNumber()) {
      return status(
          Admission.invalid(
              resource, api.name(), List.of("spec.replicas: Required value: an integer")));
    }
    ObjectNode replicaPatch = Scales.replicaPatch(paths, replicas.intValue());
    JsonNode updated = JsonPatches.mergePatch(object, replicaPatch);
    Optional<Status> refused =
        admission.check(
            resource,
            api.name(),
            JSON.convertValue(JsonPatches.withoutNulls(updated), Object.class));
    if (refused.isPresent()) {
      return status(refused.get());
    }
    MockResponse written =
        store.handlePatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.PATCH,
                api.objectPath(),
                Headers.builder().add("Content-Type", JsonPatches.MERGE).build(),
                new Buffer(replicaPatch.toString().getBytes(StandardCharsets.UTF_8))));
    if (written.code() / 100 != 2) {
      return written;
    }
    return json(200, Scales.of(readTree(body(written)), paths).toString());
  }

  private MockResponse log(ApiPath api) {
    Optional<Path> file = logs.find(api.namespace(), api.name());
    if (file.isEmpty() || !Files.exists(file.get())) {
      return status(
          failure(
              404,
              "NotFound",
              "no log for pod " + api.name() + " (not run by the sandbox kubelet)"));
    }
    try {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody(Files.readAllBytes(file.get()));
    } catch (IOException e) {
      return status(failure(500, "InternalError", e.toString()));
    }
  }

  static Status failure(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static MockResponse status(Status status) {
    status.setApiVersion("v1");
    status.setKind("Status");
    return json(status.getCode(), Serialization.asJson(status));
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  /** Reads without consuming: the store reads the same body after admission. */
  private static String requestBody(RecordedRequest request) {
    return new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static String body(MockResponse response) {
    return new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }
}
