package io.agentfleet.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD, applied to a real kube-apiserver, judges AgentDeployments as a cluster would:
 * every malformed one in the corpus below is refused with 422 Invalid and a cause naming the
 * offending field; the valid ones are accepted. Requests are server-side dry runs with strict field
 * validation, which is what {@code kubectl apply --dry-run=server} sends.
 */
class AgentDeploymentSchemaTest {

  static final String VALID =
      """
      apiVersion: agentfleet.io/v1alpha1
      kind: AgentDeployment
      metadata:
        name: voice-agent
        namespace: default
      spec:
        agentName: voice-agent
        livekit:
          url: wss://example.livekit.cloud
          credentialsSecret: livekit
        replicas: 2
        workerStatus: {port: 8081, format: auto}
        drain: {timeoutSeconds: 3600}
        revisionHistoryLimit: 10
        progressDeadlineSeconds: 600
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
        strategy:
          type: RollingUpdate
          rollingUpdate: {maxSurge: "25%"}
        rollback: {automatic: true, maxJobFailureRatio: 0.2, minJobs: 5}
        redispatch: {enabled: true, maxAttempts: 2}
        template:
          metadata:
            labels: {team: voice, app.kubernetes.io/name: voice-agent}
          spec:
            containers:
              - name: agent
                image: ghcr.io/example/agent:1.0
                env: [{name: OPENAI_API_KEY, value: x}]
      """;

  static CrdCluster cluster;

  @BeforeAll
  static void startApiServer() throws IOException {
    cluster = CrdCluster.start(AgentDeploymentSchemaTest.class);
  }

  @AfterAll
  static void stopApiServer() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theReferenceManifestIsAccepted() {
    GenericKubernetesResource created = create(base(), Validation.STRICT);
    assertThat(created.getMetadata().getName()).isEqualTo("voice-agent");
  }

  @Test
  void optionalFieldsMayBeOmittedAndGetTheirDefaults() {
    Map<String, Object> minimal = base();
    Map<String, Object> spec = at(minimal, "spec");
    for (String optional :
        List.of(
            "agentName",
            "replicas",
            "workerStatus",
            "drain",
            "revisionHistoryLimit",
            "progressDeadlineSeconds",
            "paused",
            "autoscaling",
            "strategy",
            "rollback",
            "redispatch")) {
      spec.remove(optional);
    }
    at(minimal, "spec.template").remove("metadata");

    Map<String, Object> stored = create(minimal, Validation.STRICT).getAdditionalProperties();

    @SuppressWarnings("unchecked")
    Map<String, Object> defaulted = (Map<String, Object>) stored.get("spec");
    assertThat(defaulted)
        .containsEntry("replicas", 1)
        .containsEntry("revisionHistoryLimit", 10)
        .containsEntry("progressDeadlineSeconds", 600)
        .containsEntry("paused", false);
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        ok(
            "empty agent name: automatic dispatch, without re-dispatch",
            d -> {
              at(d, "spec").put("agentName", "");
              at(d, "spec").remove("redispatch");
            }),
        ok(
            "automatic dispatch with re-dispatch off",
            d -> {
              at(d, "spec").put("agentName", "");
              at(d, "spec.redispatch").put("enabled", false);
            }),
        ok("name of exactly 63 characters", d -> name(d, "voice-agent-" + "x".repeat(51))),
        ok("name with dots", d -> name(d, "voice.agent.eu")),
        ok(
            "cron with steps, ranges and lists",
            d -> schedule(d).put("cron", "*/15 8-18/2 1,15 1-12 0,6")),
        ok("cron with Sunday as 7 and padded", d -> schedule(d).put("cron", "  0 0 * * 7 ")),
        ok("cron with a tab", d -> schedule(d).put("cron", "30\t6 * * *")),
        ok("deep time zone", d -> schedule(d).put("timeZone", "America/Argentina/Buenos_Aires")),
        ok("offset zone of tzdata", d -> schedule(d).put("timeZone", "Etc/GMT+5")),
        ok("UTC", d -> schedule(d).put("timeZone", "UTC")),
        ok("empty label value", d -> labels(d).put("tier", "")),
        ok("label of 63 characters", d -> labels(d).put("k".repeat(63), "v".repeat(63))),
        ok("prefixed label", d -> labels(d).put("example.com/cost-center", "A_1.b")),
        ok(
            "canary with a surge",
            d ->
                at(d, "spec")
                    .put(
                        "strategy",
                        Map.of(
                            "type",
                            "Canary",
                            "rollingUpdate",
                            Map.of("maxSurge", "1"),
                            "canary",
                            Map.of(
                                "steps",
                                List.of(
                                    Map.of("setWeight", 25),
                                    Map.of("pause", Map.of()),
                                    Map.of("setWeight", 50),
                                    Map.of("pause", Map.of("seconds", 600))))))),
        ok(
            "canary holding a weight across a pause",
            d ->
                canary(
                    d,
                    Map.of("setWeight", 20),
                    Map.of("pause", Map.of("seconds", 60)),
                    Map.of("setWeight", 20),
                    Map.of("setWeight", 100))),
        ok(
            "autoscaling floor equal to the ceiling",
            d -> at(d, "spec.autoscaling").put("minReplicas", 20)),
        ok("target load written as 1", d -> at(d, "spec.autoscaling").put("targetLoad", 1)),
        ok("no replicas at all", d -> at(d, "spec").put("replicas", 0)),
        ok(
            "a schedule learned over a week",
            d ->
                at(d, "spec.autoscaling")
                    .put(
                        "learnedSchedule",
                        Map.of("enabled", true, "periodMinutes", 10080, "periods", 3))),
        ok("drain of a full day", d -> at(d, "spec.drain").put("timeoutSeconds", 86400)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void validVariantIsAccepted(String description, Consumer<Map<String, Object>> change) {
    Map<String, Object> resource = base();
    change.accept(resource);
    assertThat(create(resource, Validation.STRICT)).as(description).isNotNull();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // metadata
        bad("name with capitals and '_'", "metadata.name", d -> name(d, "Voice_Agent")),
        bad("name starting with a dash", "metadata.name", d -> name(d, "-voice")),
        bad(
            "name of 64 characters: too long for a label",
            "metadata.name",
            d -> name(d, "v".repeat(64))),
        bad("name over 253 characters", "metadata.name", d -> name(d, "v".repeat(254))),
        // the spec as a whole
        bad("no spec", "spec", d -> d.remove("spec")),
        bad("spec as text", "spec", d -> d.put("spec", "voice-agent")),
        bad("no livekit section", "spec.livekit", d -> at(d, "spec").remove("livekit")),
        bad("no template", "spec.template", d -> at(d, "spec").remove("template")),
        // livekit
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
        bad(
            "secret name over 253 characters",
            "spec.livekit.credentialsSecret",
            d -> at(d, "spec.livekit").put("credentialsSecret", "s".repeat(254))),
        // counts
        bad("negative replicas", "spec.replicas", d -> at(d, "spec").put("replicas", -1)),
        bad("replicas as text", "spec.replicas", d -> at(d, "spec").put("replicas", "two")),
        bad("fractional replicas", "spec.replicas", d -> at(d, "spec").put("replicas", 1.5)),
        bad(
            "negative history limit",
            "spec.revisionHistoryLimit",
            d -> at(d, "spec").put("revisionHistoryLimit", -3)),
        bad(
            "history limit over 1000",
            "spec.revisionHistoryLimit",
            d -> at(d, "spec").put("revisionHistoryLimit", 1001)),
        bad(
            "progress deadline zero",
            "spec.progressDeadlineSeconds",
            d -> at(d, "spec").put("progressDeadlineSeconds", 0)),
        bad("paused as text", "spec.paused", d -> at(d, "spec").put("paused", "yes")),
        // drain
        bad(
            "negative drain timeout",
            "spec.drain.timeoutSeconds",
            d -> at(d, "spec.drain").put("timeoutSeconds", -5)),
        bad(
            "drain timeout over a day",
            "spec.drain.timeoutSeconds",
            d -> at(d, "spec.drain").put("timeoutSeconds", 90000)),
        bad(
            "drain timeout as a duration",
            "spec.drain.timeoutSeconds",
            d -> at(d, "spec.drain").put("timeoutSeconds", "1h")),
        // worker status
        bad(
            "status port zero",
            "spec.workerStatus.port",
            d -> at(d, "spec.workerStatus").put("port", 0)),
        bad(
            "status port too high",
            "spec.workerStatus.port",
            d -> at(d, "spec.workerStatus").put("port", 70000)),
        bad(
            "status port as a named port",
            "spec.workerStatus.port",
            d -> at(d, "spec.workerStatus").put("port", "status")),
        bad(
            "unknown status format",
            "spec.workerStatus.format",
            d -> at(d, "spec.workerStatus").put("format", "prometheus")),
        // agent name
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
        // pod template
        bad(
            "template without containers",
            "spec.template.spec.containers",
            d -> at(d, "spec.template.spec").put("containers", List.of())),
        undecodable(
            "containers as a map",
            "spec.template.spec.containers",
            d ->
                at(d, "spec.template.spec")
                    .put("containers", Map.of("agent", Map.of("image", "a:1")))),
        bad(
            "33 containers",
            "spec.template.spec.containers",
            d -> {
              List<Object> many = new ArrayList<>();
              for (int i = 0; i < 33; i++) {
                many.add(Map.of("name", "c" + i, "image", "a:1"));
              }
              at(d, "spec.template.spec").put("containers", many);
            }),
        bad(
            "template without spec",
            "spec.template.spec",
            d -> at(d, "spec.template").remove("spec")),
        bad(
            "container without image",
            "spec.template.spec.containers[0].image",
            d -> container(d).remove("image")),
        bad(
            "container with an empty image",
            "spec.template.spec.containers[0].image",
            d -> container(d).put("image", "")),
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
        // pod template labels: the operator copies them onto every worker pod
        bad(
            "label value over 63 characters",
            "spec.template.metadata.labels.team",
            d -> labels(d).put("team", "v".repeat(64))),
        bad(
            "label value with a space",
            "spec.template.metadata.labels[team]",
            d -> labels(d).put("team", "voice team")),
        bad(
            "label value ending in a dash",
            "spec.template.metadata.labels[team]",
            d -> labels(d).put("team", "voice-")),
        bad(
            "label value as an unquoted number",
            "spec.template.metadata.labels.version",
            d -> labels(d).put("version", 1.0)),
        bad(
            "label value as an unquoted yes",
            "spec.template.metadata.labels.canary",
            d -> labels(d).put("canary", true)),
        bad(
            "label key with a space",
            "spec.template.metadata.labels",
            d -> labels(d).put("cost center", "a")),
        bad(
            "label key name over 63 characters",
            "spec.template.metadata.labels",
            d -> labels(d).put("k".repeat(64), "a")),
        bad(
            "label key with two slashes",
            "spec.template.metadata.labels",
            d -> labels(d).put("example.com/team/name", "a")),
        bad(
            "label key prefix with capitals",
            "spec.template.metadata.labels",
            d -> labels(d).put("Example.com/team", "a")),
        bad(
            "label key prefix over 253 characters",
            "spec.template.metadata.labels",
            d -> labels(d).put("p".repeat(254) + "/team", "a")),
        bad(
            "label the operator sets",
            "spec.template.metadata.labels",
            d -> labels(d).put("agentfleet.io/deployment", "other")),
        bad(
            "labels as a list",
            "spec.template.metadata.labels",
            d -> at(d, "spec.template.metadata").put("labels", List.of("team=voice"))),
        // learned schedule
        bad(
            "learned schedule period under an hour",
            "spec.autoscaling.learnedSchedule.periodMinutes",
            d ->
                at(d, "spec.autoscaling")
                    .put("learnedSchedule", Map.of("enabled", true, "periodMinutes", 30))),
        bad(
            "learned schedule over seven periods",
            "spec.autoscaling.learnedSchedule.periods",
            d -> at(d, "spec.autoscaling").put("learnedSchedule", Map.of("periods", 8))),
        bad(
            "learned schedule enabled as a string",
            "spec.autoscaling.learnedSchedule.enabled",
            d -> at(d, "spec.autoscaling").put("learnedSchedule", Map.of("enabled", "yes"))),
        // autoscaling bounds
        bad(
            "autoscaling min above max",
            "spec.autoscaling",
            d -> at(d, "spec.autoscaling").put("minReplicas", 30)),
        bad(
            "autoscaling max zero",
            "spec.autoscaling.maxReplicas",
            d -> at(d, "spec.autoscaling").put("maxReplicas", 0)),
        bad(
            "autoscaling max over 10000",
            "spec.autoscaling.maxReplicas",
            d -> at(d, "spec.autoscaling").put("maxReplicas", 20000)),
        bad(
            "autoscaling negative min",
            "spec.autoscaling.minReplicas",
            d -> at(d, "spec.autoscaling").put("minReplicas", -1)),
        bad(
            "autoscaling target load zero",
            "spec.autoscaling.targetLoad",
            d -> at(d, "spec.autoscaling").put("targetLoad", 0)),
        bad(
            "autoscaling target load above one",
            "spec.autoscaling.targetLoad",
            d -> at(d, "spec.autoscaling").put("targetLoad", 1.5)),
        bad(
            "autoscaling target load as a percentage",
            "spec.autoscaling.targetLoad",
            d -> at(d, "spec.autoscaling").put("targetLoad", "50%")),
        bad(
            "tolerance above one",
            "spec.autoscaling.tolerance",
            d -> at(d, "spec.autoscaling").put("tolerance", 2)),
        bad(
            "negative warm buffer",
            "spec.autoscaling.idleWorkers",
            d -> at(d, "spec.autoscaling").put("idleWorkers", -1)),
        bad(
            "negative calls per worker",
            "spec.autoscaling.jobsPerWorker",
            d -> at(d, "spec.autoscaling").put("jobsPerWorker", -2)),
        bad(
            "startup allowance over an hour",
            "spec.autoscaling.startupAllowanceSeconds",
            d -> at(d, "spec.autoscaling").put("startupAllowanceSeconds", 4000)),
        bad(
            "negative scale-down rate",
            "spec.autoscaling.scaleDown.maxWorkersPerMinute",
            d -> at(d, "spec.autoscaling.scaleDown").put("maxWorkersPerMinute", -1)),
        bad(
            "scale-up stabilization over an hour",
            "spec.autoscaling.scaleUp.stabilizationSeconds",
            d -> at(d, "spec.autoscaling.scaleUp").put("stabilizationSeconds", 7200)),
        bad(
            "webhook expecting a call for 0 s",
            "spec.autoscaling.webhook.expectSeconds",
            d -> at(d, "spec.autoscaling.webhook").put("expectSeconds", 0)),
        // schedules: cron and time zone
        bad(
            "schedule floor above max",
            "spec.autoscaling",
            d -> schedule(d).put("minReplicas", 50)),
        bad(
            "cron with four fields",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 8 * *")),
        bad(
            "cron with six fields (seconds)",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 0 8 * * 1-5")),
        bad(
            "cron hour 25",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 25 * * *")),
        bad(
            "cron minute 60",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "60 8 * * *")),
        bad(
            "cron day of month 0",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 8 0 * *")),
        bad(
            "cron with day names",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "0 8 * * MON-FRI")),
        bad(
            "cron macro",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "@daily")),
        bad(
            "cron step of zero",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).put("cron", "*/0 * * * *")),
        bad(
            "time zone with a space",
            "spec.autoscaling.schedules[0].timeZone",
            d -> schedule(d).put("timeZone", "Europe Berlin")),
        bad(
            "time zone as an offset",
            "spec.autoscaling.schedules[0].timeZone",
            d -> schedule(d).put("timeZone", "+02:00")),
        bad(
            "time zone in lower case",
            "spec.autoscaling.schedules[0].timeZone",
            d -> schedule(d).put("timeZone", "europe/berlin")),
        bad(
            "schedule without cron",
            "spec.autoscaling.schedules[0].cron",
            d -> schedule(d).remove("cron")),
        bad(
            "schedule without duration",
            "spec.autoscaling.schedules[0].durationMinutes",
            d -> schedule(d).remove("durationMinutes")),
        bad(
            "schedule open for over a week",
            "spec.autoscaling.schedules[0].durationMinutes",
            d -> schedule(d).put("durationMinutes", 10081)),
        undecodable(
            "schedule as one object, not a list",
            "spec.autoscaling.schedules",
            d -> at(d, "spec.autoscaling").put("schedules", schedule(d))),
        // rollout strategy and canary
        bad(
            "unknown strategy type",
            "spec.strategy.type",
            d -> at(d, "spec.strategy").put("type", "BlueGreen")),
        bad(
            "Canary without a canary section",
            "spec.strategy",
            d -> at(d, "spec").put("strategy", Map.of("type", "Canary"))),
        bad(
            "Canary with an empty canary section",
            "spec.strategy",
            d -> at(d, "spec").put("strategy", Map.of("type", "Canary", "canary", Map.of()))),
        bad(
            "canary steps under a RollingUpdate strategy",
            "spec.strategy",
            d -> at(d, "spec.strategy").put("canary", steps(Map.of("setWeight", 25)))),
        bad(
            "canary steps without a type",
            "spec.strategy",
            d -> at(d, "spec").put("strategy", Map.of("canary", steps(Map.of("setWeight", 25))))),
        bad(
            "canary weight over 100",
            "spec.strategy.canary.steps[0].setWeight",
            d -> canary(d, Map.of("setWeight", 101))),
        bad(
            "negative canary weight",
            "spec.strategy.canary.steps[0].setWeight",
            d -> canary(d, Map.of("setWeight", -10))),
        bad(
            "canary weight as a percentage",
            "spec.strategy.canary.steps[0].setWeight",
            d -> canary(d, Map.of("setWeight", "25%"))),
        bad(
            "canary step with a weight and a pause",
            "spec.strategy.canary.steps[0]",
            d -> canary(d, Map.of("setWeight", 25, "pause", Map.of()))),
        bad(
            "empty canary step",
            "spec.strategy.canary.steps[1]",
            d -> canary(d, Map.of("setWeight", 25), Map.of())),
        bad(
            "canary weight that goes down",
            "spec.strategy.canary.steps",
            d ->
                canary(
                    d, Map.of("setWeight", 50), Map.of("pause", Map.of()), Map.of("setWeight", 5))),
        bad(
            "negative canary pause",
            "spec.strategy.canary.steps[1].pause.seconds",
            d -> canary(d, Map.of("setWeight", 25), Map.of("pause", Map.of("seconds", -60)))),
        bad(
            "maxSurge as a number",
            "spec.strategy.rollingUpdate.maxSurge",
            d -> at(d, "spec.strategy.rollingUpdate").put("maxSurge", 1)),
        bad(
            "maxSurge with a space",
            "spec.strategy.rollingUpdate.maxSurge",
            d -> at(d, "spec.strategy.rollingUpdate").put("maxSurge", "25 %")),
        // rollback
        bad(
            "rollback failure ratio above one",
            "spec.rollback.maxJobFailureRatio",
            d -> at(d, "spec.rollback").put("maxJobFailureRatio", 1.5)),
        bad(
            "rollback judged on zero calls",
            "spec.rollback.minJobs",
            d -> at(d, "spec.rollback").put("minJobs", 0)),
        bad(
            "re-dispatch without attempts",
            "spec.redispatch.maxAttempts",
            d -> at(d, "spec.redispatch").put("maxAttempts", 0)),
        bad(
            "re-dispatch with too many attempts",
            "spec.redispatch.maxAttempts",
            d -> at(d, "spec.redispatch").put("maxAttempts", 11)),
        bad("re-dispatch of automatic dispatch", "spec", d -> at(d, "spec").put("agentName", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedDeploymentIsRefusedNamingTheField(
      String description, int status, String field, Consumer<Map<String, Object>> breakIt) {
    Map<String, Object> resource = base();
    breakIt.accept(resource);

    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class, () -> create(resource, Validation.STRICT));

    assertThat(refused).as(description + ": the API server accepted it").isNotNull();
    assertThat(refused.getCode()).as(refused.getMessage()).isEqualTo(status);
    if (status == 422) {
      assertThat(refused.getStatus().getDetails().getCauses())
          .as(refused.getMessage())
          .anySatisfy(cause -> assertThat(names(cause, field)).isTrue());
    } else {
      // Strict decoding reads the keys of an object given where a list is declared as unknown
      // fields under the list's path, before any schema check.
      assertThat(refused.getMessage()).contains("unknown field \"" + field + ".");
    }
  }

  /**
   * The cause is about the field, or, for a rule at the root (which the server reports at the field
   * "<nil>"), its message says which one.
   */
  static boolean names(StatusCause cause, String field) {
    if (field.equals(cause.getField())) {
      return true;
    }
    boolean atRoot =
        cause.getField() == null || cause.getField().isEmpty() || cause.getField().equals("<nil>");
    return atRoot && cause.getMessage() != null && cause.getMessage().contains(field + " ");
  }

  @Test
  void theCorpusIsLargeAndEachCaseIsDistinct() {
    List<String> descriptions = malformed().map(a -> (String) a.get()[0]).toList();
    assertThat(descriptions).hasSizeGreaterThanOrEqualTo(50);
    Set<String> unique = new HashSet<>(descriptions);
    assertThat(unique).hasSameSizeAs(descriptions);
  }

  /*
   * Unknown fields. The schema declares every field outside the pod template, so the API server
   * knows a misspelt one; what it does depends on the client's field validation:
   * Strict (kubectl's default) refuses the request with 400 BadRequest naming the field, Ignore
   * (and clients that send nothing, as the Fabric8 client by default) drops it silently.
   */

  static Stream<Arguments> misspelt() {
    return Stream.of(
        Arguments.of(
            "spec.replica", (Consumer<Map<String, Object>>) d -> at(d, "spec").put("replica", 3)),
        Arguments.of(
            "spec.livekit.secret",
            (Consumer<Map<String, Object>>) d -> at(d, "spec.livekit").put("secret", "livekit")),
        Arguments.of(
            "spec.autoscaling.maxReplica",
            (Consumer<Map<String, Object>>) d -> at(d, "spec.autoscaling").put("maxReplica", 40)),
        Arguments.of(
            "spec.strategy.canary.steps[0].duration",
            (Consumer<Map<String, Object>>)
                d -> canary(d, Map.of("setWeight", 25, "duration", 600))),
        Arguments.of("specs", (Consumer<Map<String, Object>>) d -> d.put("specs", Map.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misspelt")
  void unknownFieldIsRefusedUnderStrictValidation(
      String field, Consumer<Map<String, Object>> misspell) {
    Map<String, Object> resource = base();
    misspell.accept(resource);

    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class, () -> create(resource, Validation.STRICT));

    assertThat(refused).as(field + " was accepted").isNotNull();
    assertThat(refused.getCode()).as(refused.getMessage()).isEqualTo(400);
    assertThat(refused.getMessage()).contains("unknown field \"" + field + "\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misspelt")
  void unknownFieldIsDroppedWithoutStrictValidation(
      String field, Consumer<Map<String, Object>> misspell) {
    Map<String, Object> resource = base();
    misspell.accept(resource);

    GenericKubernetesResource stored = create(resource, Validation.IGNORE);

    String json = Serialization.asJson(stored);
    String name = field.substring(field.lastIndexOf('.') + 1);
    assertThat(json).doesNotContain("\"" + name + "\"");
  }

  @Test
  void unknownFieldInsideThePodTemplateIsKept() {
    // The template keeps what its schema does not declare (the full PodSpec schema would make
    // the CRD too large), so a typo there reaches the operator; ManifestsTest checks the
    // committed templates as PodTemplates instead.
    Map<String, Object> resource = base();
    at(resource, "spec.template.spec").put("nodeSelecter", Map.of("pool", "gpu"));

    GenericKubernetesResource stored = create(resource, Validation.STRICT);

    assertThat(Serialization.asJson(stored)).contains("\"nodeSelecter\"");
  }

  @Test
  void kubectlShowsTheUserTheRefusalWithTheField() {
    Map<String, Object> resource = base();
    at(resource, "spec.template.metadata").put("labels", Map.of("team", "voice team"));
    schedule(resource).put("cron", "0 8 * * MON-FRI");

    CrdCluster.Run run =
        cluster.kubectl(
            "apply",
            "--dry-run=server",
            "-f",
            cluster.write("bad-labels-and-cron.yaml", Serialization.asYaml(resource)).toString());

    assertThat(run.exit()).as(run.out()).isNotZero();
    assertThat(run.err())
        .contains("is invalid")
        .contains("spec.template.metadata.labels[team]")
        .contains("spec.autoscaling.schedules[0].cron");
  }

  @Test
  void kubectlRefusesAMisspeltFieldByDefault() {
    Map<String, Object> resource = base();
    at(resource, "spec").put("replica", 3);

    CrdCluster.Run run =
        cluster.kubectl(
            "apply",
            "--dry-run=server",
            "-f",
            cluster.write("misspelt.yaml", Serialization.asYaml(resource)).toString());

    assertThat(run.exit()).as(run.out()).isNotZero();
    assertThat(run.err()).contains("unknown field \"spec.replica\"");
  }

  static GenericKubernetesResource create(Map<String, Object> resource, Validation validation) {
    GenericKubernetesResource object =
        Serialization.unmarshal(Serialization.asJson(resource), GenericKubernetesResource.class);
    return cluster
        .client()
        .genericKubernetesResources(CrdCluster.AGENT_DEPLOYMENTS)
        .inNamespace("default")
        .resource(object)
        .dryRun()
        .fieldValidation(validation)
        .create();
  }

  /** Refused with 422 Invalid and a cause naming the field. */
  static Arguments bad(String description, String field, Consumer<Map<String, Object>> change) {
    return Arguments.of(description, 422, field, change);
  }

  /** Refused with 400 BadRequest by strict decoding, naming fields under this one. */
  static Arguments undecodable(
      String description, String field, Consumer<Map<String, Object>> change) {
    return Arguments.of(description, 400, field, change);
  }

  static Arguments ok(String description, Consumer<Map<String, Object>> change) {
    return Arguments.of(description, change);
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

  static void name(Map<String, Object> root, String name) {
    at(root, "metadata").put("name", name);
  }

  static Map<String, Object> labels(Map<String, Object> root) {
    return at(root, "spec.template.metadata.labels");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> schedule(Map<String, Object> root) {
    return ((List<Map<String, Object>>) at(root, "spec.autoscaling").get("schedules")).get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(Map<String, Object> root) {
    return ((List<Map<String, Object>>) at(root, "spec.template.spec").get("containers")).get(0);
  }

  @SafeVarargs
  static Map<String, Object> steps(Map<String, Object>... steps) {
    return Map.of("steps", List.of(steps));
  }

  /** A Canary strategy with these steps, the last of which is the one under test. */
  @SafeVarargs
  static void canary(Map<String, Object> root, Map<String, Object>... steps) {
    at(root, "spec").put("strategy", Map.of("type", "Canary", "canary", steps(steps)));
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
