package io.agentfleet.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerReportTest {

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
    assertThat(WorkerReport.parse(body)).contains(new WorkerReport(calls, load, draining));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[1,2]",
        "{\"active_jobs\":\"two\"}",
        "{\"worker_load\":\"high\"}",
        "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"code\":503}"
      })
  void anythingElseIsUnknown(String body) {
    assertThat(WorkerReport.parse(body)).isEqualTo(Optional.empty());
  }
}
