package io.agentfleet.operator.workerstatus;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.agentfleet.api.workerstatus.WorkerReport;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObservationTest {

  @Test
  void onlyMaterialChangesWakeTheReconciler() {
    Instant t = Instant.EPOCH;
    Observation idle = Observation.of(WorkerReport.idle(WorkerStatusFormat.AGENTFLEET), t);
    Observation slightly =
        Observation.of(
            new WorkerReport(
                0, 0.03, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET),
            t);
    Observation busy =
        Observation.of(
            new WorkerReport(
                1, 0.03, false, false, null, null, null, WorkerStatusFormat.AGENTFLEET),
            t);
    Observation lost = Observation.unknown("timeout", t);
    assertThat(slightly.differsMateriallyFrom(idle)).isFalse();
    assertThat(busy.differsMateriallyFrom(slightly)).isTrue();
    assertThat(lost.differsMateriallyFrom(busy)).isTrue();
    assertThat(lost.differsMateriallyFrom(Observation.unknown("refused", t))).isFalse();
    assertThat(idle.differsMateriallyFrom(null)).isTrue();
    assertThat(lost.report()).isEqualTo(Optional.empty());
  }
}
