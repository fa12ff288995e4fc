package io.agentfleet.api.workerstatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerReportParserTest {

  @Test
  void pythonLeavesOutZeroesAndSendsFloatJobs() {
    WorkerReport idle =
        WorkerReportParser.parse(
            "{\n  \"worker_type\": \"JT_ROOM\",\n  \"sdk_version\": \"1.7.0\",\n  \"protocol_version\": 1\n}",
            WorkerStatusFormat.AUTO);
    assertThat(idle.activeJobs()).isZero();
    assertThat(idle.load()).isEqualTo(0.0);
    assertThat(idle.format()).isEqualTo(WorkerStatusFormat.LIVEKIT_AGENTS);

    WorkerReport busy =
        WorkerReportParser.parse(
            "{\"agent_name\":\"a\",\"active_jobs\":2.0,\"worker_load\":0.37}",
            WorkerStatusFormat.AUTO);
    assertThat(busy.activeJobs()).isEqualTo(2);
    assertThat(busy.load()).isEqualTo(0.37);
    assertThat(busy.acceptsCalls()).isTrue();
  }

  @Test
  void nodeHasNoLoadSoItIsDerivedFromCalls() {
    WorkerReport node =
        WorkerReportParser.parse(
            "{\"agent_name\":\"a\",\"worker_type\":\"JT_ROOM\",\"active_jobs\":1,\"project_type\":\"nodejs\",\"protocol_version\":1}",
            WorkerStatusFormat.AUTO);
    assertThat(node.load()).isNull();
    assertThat(node.effectiveLoad(4)).isEqualTo(0.25);
    assertThat(node.effectiveLoad(1)).isEqualTo(1.0);
  }

  @Test
  void ourWorkerReportsStateAndOutcomes() {
    WorkerReport ours =
        WorkerReportParser.parse(
            "{\"agent_name\":\"a\",\"worker_type\":\"JT_ROOM\",\"active_jobs\":3,\"worker_load\":0.75,"
                + "\"project_type\":\"java\",\"worker_id\":\"AW_1\",\"status\":\"WS_FULL\",\"registered\":true,"
                + "\"draining\":false,\"max_jobs\":4,\"jobs_succeeded\":10,\"jobs_failed\":1}",
            WorkerStatusFormat.AUTO);
    assertThat(ours.format()).isEqualTo(WorkerStatusFormat.AGENTFLEET);
    assertThat(ours.full()).isTrue();
    assertThat(ours.acceptsCalls()).isFalse();
    assertThat(ours.maxJobs()).isEqualTo(4);
    assertThat(ours.jobsSucceeded()).isEqualTo(10);
    assertThat(ours.jobsFailed()).isEqualTo(1);
  }

  @Test
  void drainingMeansFull() {
    WorkerReport draining =
        WorkerReportParser.parse(
            "{\"worker_id\":\"x\",\"draining\":true}", WorkerStatusFormat.AUTO);
    assertThat(draining.full()).isTrue();
    assertThat(draining.draining()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[1,2]",
        "\"text\"",
        "{\"active_jobs\":\"three\"}",
        "{\"worker_load\":\"high\"}",
        "{\"active_jobs\":-1}",
        "{\"worker_load\":-0.5}",
        "{\"active_jobs\":1",
        "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"code\":503}",
        // Found by the fuzz test's seeds: Infinity and counts that wrapped when cast to int.
        "{\"active_jobs\":1,\"worker_load\":1e400}",
        "{\"active_jobs\":1e10}",
        "{\"active_jobs\":1,\"max_jobs\":-3}",
        "{\"active_jobs\":1,\"jobs_failed\":-1}",
        "{\"active_jobs\":1,\"jobs_succeeded\":1e300}",
      })
  void garbageIsRejectedNotReadAsIdle(String body) {
    assertThatThrownBy(() -> WorkerReportParser.parse(body, WorkerStatusFormat.AUTO))
        .isInstanceOf(WorkerReportParser.MalformedReport.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Python livekit-agents: zero values left out, active_jobs may be a float.
        "{\"agent_name\":\"a\",\"project_type\":\"python\"}                     | 0 | 0.0  | false",
        "{\"active_jobs\":2.0,\"worker_load\":0.4}                              | 2 | 0.4  | false",
        // Node @livekit/agents: no load at all.
        "{\"active_jobs\":1,\"project_type\":\"nodejs\"}                        | 1 |      | false",
        // Agentfleet's Java worker.
        "{\"active_jobs\":3,\"worker_load\":0.9,\"draining\":true,\"status\":\"WS_FULL\"} | 3 | 0.9 | true",
      })
  void readsTheThreeWorkers(String body, int calls, Double load, boolean draining) {
    WorkerReport report = WorkerReportParser.parse(body, WorkerStatusFormat.AUTO);
    assertThat(report.activeJobs()).isEqualTo(calls);
    assertThat(report.load()).isEqualTo(load);
    assertThat(report.draining()).isEqualTo(draining);
  }
}
