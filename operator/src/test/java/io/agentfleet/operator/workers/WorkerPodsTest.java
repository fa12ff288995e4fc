package io.agentfleet.operator.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import io.agentfleet.api.workerstatus.WorkerReportParser;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerPodsTest {
  static final Instant READY_AT = Instant.parse("2026-01-01T00:00:00Z");

  /** The bodies each SDK answers on /worker when idle (see examples/*-agent). */
  static final String PYTHON =
      "{\"worker_type\":\"JT_ROOM\",\"agent_name\":\"a\",\"sdk_version\":\"1.8.9\",\"protocol_version\":1}";

  static final String NODE =
      "{\"agent_name\":\"a\",\"worker_type\":\"JT_ROOM\",\"active_jobs\":0,\"sdk_version\":\"1.9.0\","
          + "\"project_type\":\"nodejs\",\"protocol_version\":1}";

  static final String JAVA =
      "{\"worker_id\":\"AW_1\",\"agent_name\":\"a\",\"status\":\"WS_AVAILABLE\",\"active_jobs\":0,"
          + "\"draining\":false,\"project_type\":\"java\"}";

  static Pod readyPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("w")
        .withCreationTimestamp(READY_AT.minusSeconds(3).toString())
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime(READY_AT.toString())
        .endCondition()
        .endStatus()
        .build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("python, just ready: not yet taken as registered", PYTHON, 1, false),
        Arguments.of("python, ready for the allowance", PYTHON, 5, true),
        Arguments.of("node: its readiness is its connection to LiveKit", NODE, 0, true),
        Arguments.of("ours: /ready is its registration", JAVA, 0, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void readyMeansRegisteredWithLiveKit(
      String description, String body, int secondsReady, boolean ready) {
    WorkerReport report = WorkerReportParser.parse(body, WorkerStatusFormat.AUTO);
    assertThat(WorkerPods.of(readyPod(), report, READY_AT.plusSeconds(secondsReady)).ready())
        .isEqualTo(ready);
  }

  @Test
  void aReadyPodWhoseFirstReportHasNotComeWaitsOutTheAllowanceUnlessItIsOurs() {
    assertThat(WorkerPods.of(readyPod(), null, WorkerStatusFormat.AGENTFLEET, READY_AT).ready())
        .isTrue();
    // Its SDK could be Python's, whose readiness says nothing of LiveKit.
    assertThat(WorkerPods.of(readyPod(), null, WorkerStatusFormat.AUTO, READY_AT).ready())
        .isFalse();
    // Past the allowance the kubelet's word stands, as for a worker that never reports.
    assertThat(
            WorkerPods.of(readyPod(), null, WorkerStatusFormat.AUTO, READY_AT.plusSeconds(5))
                .ready())
        .isTrue();
  }
}
