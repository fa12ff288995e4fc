package io.agentfleet.api.workerstatus;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import java.nio.charset.StandardCharsets;

/**
 * The body of {@code GET /worker} comes from a pod: untrusted bytes. Whatever they are, the parser
 * answers a report whose numbers the planners can use, or {@link
 * WorkerReportParser.MalformedReport}; nothing else. Seeds in {@code
 * WorkerReportParserFuzzTestInputs/anyBody}; {@code tools/fuzz.sh} explores.
 */
class WorkerReportParserFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyBody(byte[] data) {
    String body = new String(data, StandardCharsets.UTF_8);
    for (WorkerStatusFormat format : WorkerStatusFormat.values()) {
      WorkerReport report;
      try {
        report = WorkerReportParser.parse(body, format);
      } catch (WorkerReportParser.MalformedReport refused) {
        continue;
      }
      assertThat(report.activeJobs()).isNotNegative();
      if (report.load() != null) {
        assertThat(report.load()).isNotNegative().isFinite();
      }
      if (report.maxJobs() != null) {
        assertThat(report.maxJobs()).isNotNegative();
      }
      if (report.jobsSucceeded() != null) {
        assertThat(report.jobsSucceeded()).isNotNegative();
      }
      if (report.jobsFailed() != null) {
        assertThat(report.jobsFailed()).isNotNegative();
      }
      assertThat(report.effectiveLoad(4)).isNotNegative().isFinite();
    }
  }
}
