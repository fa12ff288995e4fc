package io.agentfleet.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' fleet model does what their text says it does. */
class FleetSimulationTest {

  static Trace trace(Trace.Call... calls) {
    return new Trace(List.of(calls), 100, "test");
  }

  @Test
  void aCallThatFindsNoFreeSlotWaitsForTheWorkerBeingStarted() {
    FleetSimulation fleet = new FleetSimulation(1, 10, 1);
    FleetSimulation.Result r =
        fleet.run(
            trace(new Trace.Call(0.5, 50, "a"), new Trace.Call(1.5, 50, "a")),
            sized(now -> now >= 2 ? 2 : 1, 0),
            0);
    assertThat(r.dispatches()).isEqualTo(2);
    assertThat(r.waited()).isEqualTo(1);
    // the second worker is created at 2 s and registers at 12 s
    assertThat(r.waitSeconds()).isEqualTo(12 - 1.5);
    assertThat(r.callSeconds()).isEqualTo(100);
  }

  @Test
  void removingABusyWorkerDrainsItUnlessAGraceCutsItsCalls() {
    Trace oneLongCall = trace(new Trace.Call(0.5, 60, "a"));
    FleetSimulation.Scaler agentfleetDown = downTo0At(5, 0);
    FleetSimulation.Result drained =
        new FleetSimulation(10, 0, 1).run(oneLongCall, agentfleetDown, 0);
    assertThat(drained.cut()).isZero();
    // the worker counts until its call ends at 60.5 s
    assertThat(drained.workerSeconds()).isEqualTo(61);

    FleetSimulation.Result killed =
        new FleetSimulation(10, 0, 1).run(oneLongCall, downTo0At(5, 30), 0);
    assertThat(killed.cut()).isEqualTo(1);
    assertThat(killed.workerSeconds()).isEqualTo(35);
  }

  @Test
  void theOracleKeepsCeilOfCallsOverSlots() {
    Trace t =
        trace(new Trace.Call(0, 10, "a"), new Trace.Call(0, 20, "a"), new Trace.Call(5, 10, "a"));
    int[] w = CapacityBenchmark.oracleWorkers(t);
    assertThat(w[0]).isEqualTo((2 + 9) / 10);
    assertThat(w[12]).isEqualTo(1);
    assertThat(w[25]).isZero();
  }

  @Test
  void aCsvTraceIsReadInArrivalOrderAndABadLineIsNamed(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("calls.csv");
    Files.writeString(csv, "arrival_s,duration_s,agent\n5,30,b\n1.5,60,a\n");
    Trace t = Trace.csv(csv);
    assertThat(t.calls()).containsExactly(new Trace.Call(1.5, 60, "a"), new Trace.Call(5, 30, "b"));
    assertThat(t.lengthSeconds()).isEqualTo(6);

    Files.writeString(csv, "1,60,a\nsoon,60,a\n");
    assertThatThrownBy(() -> Trace.csv(csv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("calls.csv:2");
  }

  static FleetSimulation.Scaler downTo0At(long at, long grace) {
    return sized(now -> now >= at ? 0 : 1, grace);
  }

  static FleetSimulation.Scaler sized(java.util.function.LongToIntFunction size, long grace) {
    return new FleetSimulation.Scaler() {
      @Override
      public int replicas(FleetSimulation fleet, long now) {
        return size.applyAsInt(now);
      }

      @Override
      public java.util.Comparator<FleetSimulation.Worker> victimOrder() {
        return java.util.Comparator.comparingInt(FleetSimulation.Worker::active);
      }

      @Override
      public long graceSeconds() {
        return grace;
      }
    };
  }
}
