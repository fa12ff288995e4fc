package io.agentfleet.worker.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuMonitorTest {

  @ParameterizedTest(name = "{0} ns used in {1} ns on {2} cpus = {3}")
  @CsvSource({
    "500000000, 1000000000, 1, 0.5",
    "500000000, 1000000000, 2, 0.25",
    "3000000000, 1000000000, 2, 1.0",
    "0, 0, 2, 0.0"
  })
  void utilisationIsRelativeToTheAllowedCpus(long used, long elapsed, double cpus, double want) {
    assertThat(CpuMonitor.utilisation(used, elapsed, cpus)).isEqualTo(want);
  }

  @Test
  void readsTheCgroupV2QuotaAndUsage(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "150000 100000\n");
    Files.writeString(root.resolve("cpu.stat"), "usage_usec 1234\nuser_usec 1000\n");

    assertThat(CpuMonitor.allowedCpus(root, null)).isEqualTo(1.5);
    assertThat(CpuMonitor.cgroupUsageNanos(root)).hasValue(1_234_000L);
  }

  @Test
  void noQuotaMeansTheJvmsProcessors(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "max 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, ""))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void readsTheCgroupV1Quota(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("cpu"));
    Files.writeString(root.resolve("cpu/cpu.cfs_quota_us"), "50000\n");
    Files.writeString(root.resolve("cpu/cpu.cfs_period_us"), "100000\n");

    assertThat(CpuMonitor.allowedCpus(root, null)).isEqualTo(0.5);
  }

  @Test
  void numCpusOverridesTheQuota(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "150000 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, "4")).isEqualTo(4.0);
  }

  @ParameterizedTest(name = "{0}: jobs {1}, cpu {2} -> {3}")
  @CsvSource({
    "jobs, 0.25, 0.9, 0.25",
    "cpu, 0.25, 0.9, 0.9",
    "max, 0.25, 0.9, 0.9",
    "max, 0.75, 0.1, 0.75"
  })
  void loadFunctions(String name, double jobs, double cpu, double want) {
    assertThat(LoadFunction.parse(name).apply(jobs, cpu)).isEqualTo(want);
  }
}
