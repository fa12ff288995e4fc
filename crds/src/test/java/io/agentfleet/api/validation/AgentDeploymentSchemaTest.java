package io.agentfleet.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.CrdGeneration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD's schema and CEL rules, evaluated as an API server would, against malformed
 * AgentDeployments: each must be refused with a message that names the offending field.
 */
class AgentDeploymentSchemaTest {

  static final String VALID =
      """
      apiVersion: agentfleet.io/v1alpha1
      kind: AgentDeployment
      metadata:
        name: voice-agent
      spec:
        agentName: voice-agent
        livekit:
          url: wss://example.livekit.cloud
          credentialsSecret: livekit
        replicas: 2
        workerStatus: {port: 8081, format: auto}
        drain: {timeoutSeconds: 3600}
        revisionHistoryLimit: 10
        paused: false
        autoscaling:
          enabled: true
          minReplicas: 1
          maxReplicas: 20
          targetLoad: 0.5
          idleWorkers: 1
          scaleUp: {stabilizationSeconds: 0, maxWorkersPerMinute: 0}
          scaleDown: {stabilizationSeconds: 300, maxWorkersPerMinute: 4}
          schedules:
            - {cron: "0 8 * * 1-5", timeZone: Europe/Berlin, durationMinutes: 600, minReplicas: 10}
          webhook: {roomNamePattern: "^call-", expectSeconds: 30}
        template:
          metadata:
            labels: {team: voice}
          spec:
            containers:
              - name: agent
                image: ghcr.io/example/agent:1.0
                env: [{name: OPENAI_API_KEY, value: x}]
      """;

  static CrdSchemaValidator validator;

  @BeforeAll
  static void loadCrd() throws Exception {
    validator =
        CrdSchemaValidator.forCrd(
            Files.readString(CrdGeneration.committedCrd()), AgentDeployment.VERSION);
  }

  @Test
  void theReferenceManifestIsAccepted() {
    assertThat(validator.validate(base())).isEmpty();
  }

  @Test
  void optionalFieldsMayBeOmitted() {
    Map<String, Object> minimal = base();
    Map<String, Object> spec = at(minimal, "spec");
    for (String optional :
        List.of(
            "agentName", "replicas", "workerStatus", "drain", "revisionHistoryLimit", "paused")) {
      spec.remove(optional);
    }
    assertThat(validator.validate(minimal)).isEmpty();
  }

  @Test
  void emptyAgentNameMeansAutomaticDispatchAndIsAccepted() {
    Map<String, Object> auto = base();
    at(auto, "spec").put("agentName", "");
    assertThat(validator.validate(auto)).isEmpty();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("no livekit section", "spec.livekit", d -> at(d, "spec").remove("livekit")),
        bad("no template", "spec.template", d -> at(d, "spec").remove("template")),
        bad("no url", "spec.livekit.url", d -> at(d, "spec.livekit").remove("url")),
        bad(
            "no credentials secret",
            "spec.livekit.credentialsSecret",
            d -> at(d, "spec.livekit").remove("credentialsSecret")),
        bad(
            "url scheme ftp",
            "spec.livekit.url",
            d -> at(d, "spec.livekit").put("url", "ftp://example.livekit.cloud")),
        bad(
            "url without scheme",
            "spec.livekit.url",
            d -> at(d, "spec.livekit").put("url", "example.livekit.cloud")),
        bad(
            "url without host",
            "spec.livekit.url",
            d -> at(d, "spec.livekit").put("url", "wss://")),
        bad(
            "secret name with capitals",
            "spec.livekit.credentialsSecret",
            d -> at(d, "spec.livekit").put("credentialsSecret", "LiveKit_Creds")),
        bad("negative replicas", "spec.replicas", d -> at(d, "spec").put("replicas", -1)),
        bad("replicas as text", "spec.replicas", d -> at(d, "spec").put("replicas", "two")),
        bad(
            "negative history limit",
            "spec.revisionHistoryLimit",
            d -> at(d, "spec").put("revisionHistoryLimit", -3)),
        bad(
            "negative drain timeout",
            "spec.drain.timeoutSeconds",
            d -> at(d, "spec.drain").put("timeoutSeconds", -5)),
        bad(
            "drain timeout over a day",
            "spec.drain.timeoutSeconds",
            d -> at(d, "spec.drain").put("timeoutSeconds", 90000)),
        bad(
            "status port zero",
            "spec.workerStatus.port",
            d -> at(d, "spec.workerStatus").put("port", 0)),
        bad(
            "status port too high",
            "spec.workerStatus.port",
            d -> at(d, "spec.workerStatus").put("port", 70000)),
        bad(
            "unknown status format",
            "spec.workerStatus.format",
            d -> at(d, "spec.workerStatus").put("format", "prometheus")),
        bad(
            "agent name with a space",
            "spec.agentName",
            d -> at(d, "spec").put("agentName", "voice agent")),
        bad(
            "agent name ending in a dash",
            "spec.agentName",
            d -> at(d, "spec").put("agentName", "voice-")),
        bad(
            "agent name too long",
            "spec.agentName",
            d -> at(d, "spec").put("agentName", "a".repeat(129))),
        bad(
            "template without containers",
            "spec.template.spec.containers",
            d -> at(d, "spec.template.spec").put("containers", List.of())),
        bad(
            "template without spec",
            "spec.template.spec",
            d -> at(d, "spec.template").remove("spec")),
        bad(
            "container without image",
            "spec.template.spec.containers[0].image",
            d -> container(d).remove("image")),
        bad(
            "container with an invalid name",
            "spec.template.spec.containers[0].name",
            d -> container(d).put("name", "Agent_1")),
        bad(
            "two containers with one name",
            "spec.template.spec",
            d ->
                at(d, "spec.template.spec")
                    .put(
                        "containers",
                        List.of(
                            Map.of("name", "agent", "image", "a:1"),
                            Map.of("name", "agent", "image", "b:1")))),
        bad("paused as text", "spec.paused", d -> at(d, "spec").put("paused", "yes")),
        bad(
            "autoscaling min above max",
            "spec.autoscaling",
            d -> at(d, "spec.autoscaling").put("minReplicas", 30)),
        bad(
            "autoscaling target load zero",
            "spec.autoscaling.targetLoad",
            d -> at(d, "spec.autoscaling").put("targetLoad", 0)),
        bad(
            "autoscaling target load above one",
            "spec.autoscaling.targetLoad",
            d -> at(d, "spec.autoscaling").put("targetLoad", 1.5)),
        bad(
            "negative warm buffer",
            "spec.autoscaling.idleWorkers",
            d -> at(d, "spec.autoscaling").put("idleWorkers", -1)),
        bad(
            "negative scale-down rate",
            "spec.autoscaling.scaleDown.maxWorkersPerMinute",
            d -> at(d, "spec.autoscaling.scaleDown").put("maxWorkersPerMinute", -1)),
        bad(
            "schedule floor above max",
            "spec.autoscaling",
            d -> schedule(d).put("minReplicas", 50)),
        bad(
            "cron with four fields",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 8 * *")),
        bad(
            "schedule without duration",
            "spec.autoscaling.schedules[0].durationMinutes",
            d -> schedule(d).remove("durationMinutes")),
        bad("misspelt field", "spec.replica", d -> at(d, "spec").put("replica", 3)),
        bad(
            "misspelt nested field",
            "spec.livekit.secret",
            d -> at(d, "spec.livekit").put("secret", "livekit")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedDeploymentIsRefusedNamingTheField(
      String description, String field, Consumer<Map<String, Object>> breakIt) {
    Map<String, Object> resource = base();
    breakIt.accept(resource);

    List<String> problems = validator.validate(resource);

    assertThat(problems).as(description).isNotEmpty();
    assertThat(problems).as(description).anySatisfy(p -> assertThat(p).startsWith(field + ":"));
  }

  @Test
  void everyCaseAboveBreaksADifferentRule() {
    assertThat(malformed().count()).isGreaterThanOrEqualTo(15);
  }

  static Arguments bad(String description, String field, Consumer<Map<String, Object>> change) {
    return Arguments.of(description, field, change);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> base() {
    return deepCopy(Serialization.unmarshal(VALID, Map.class));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Map<String, Object> root, String dotted) {
    Map<String, Object> node = root;
    for (String key : dotted.split("\\.")) {
      node = (Map<String, Object>) node.get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> schedule(Map<String, Object> root) {
    return ((List<Map<String, Object>>) at(root, "spec.autoscaling").get("schedules")).get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(Map<String, Object> root) {
    return ((List<Map<String, Object>>) at(root, "spec.template.spec").get("containers")).get(0);
  }

  @SuppressWarnings("unchecked")
  static <T> T deepCopy(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, deepCopy(v)));
      return (T) copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(deepCopy(v)));
      return (T) copy;
    }
    return value;
  }
}
