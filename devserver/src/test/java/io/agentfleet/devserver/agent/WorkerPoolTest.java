package io.agentfleet.devserver.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import livekit.LivekitAgent.WorkerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerPoolTest {
  record Candidate(String id, WorkerStatus status, double load) {}

  private static final List<Candidate> TWO =
      List.of(
          new Candidate("a", WorkerStatus.WS_AVAILABLE, 0.5),
          new Candidate("b", WorkerStatus.WS_AVAILABLE, 0.0));

  private static Optional<String> pick(List<Candidate> candidates, double draw) {
    return WorkerPool.pick(candidates, Candidate::status, Candidate::load, draw).map(Candidate::id);
  }

  @ParameterizedTest(name = "draw {0} picks {1}")
  @CsvSource({"0.0, a", "0.33, a", "0.34, b", "0.99, b"})
  void picksInProportionToOneMinusLoad(double draw, String expected) {
    // weights: a = 0.5, b = 1.0, so a covers the first third of the draw range
    assertThat(pick(TWO, draw)).hasValue(expected);
  }

  @Test
  void neverPicksAFullWorker() {
    List<Candidate> candidates =
        List.of(
            new Candidate("full", WorkerStatus.WS_FULL, 0.0),
            new Candidate("busy", WorkerStatus.WS_AVAILABLE, 0.9));

    for (double draw : new double[] {0.0, 0.5, 0.999}) {
      assertThat(pick(candidates, draw)).hasValue("busy");
    }
  }

  @Test
  void noCapacityMeansNoWorker() {
    List<Candidate> candidates =
        List.of(
            new Candidate("full", WorkerStatus.WS_FULL, 0.0),
            new Candidate("loaded", WorkerStatus.WS_AVAILABLE, 1.0));

    assertThat(pick(candidates, 0.5)).isEmpty();
    assertThat(pick(List.of(), 0.5)).isEmpty();
  }
}
