package io.agentfleet.worker.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuMonitorTest {
  private static final List<String> IN_CONTAINER_V2 = List.of("0::/");
  private static final List<String> ON_HOST_V2 = List.of("0::/kubepods/pod1/ctr");
  private static final List<String> ON_HOST_V1 =
      List.of("4:memory:/docker/abc", "3:cpu,cpuacct:/docker/abc", "0::/");

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
  void readsTheCgroupV2QuotaInsideAContainer(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "150000 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, IN_CONTAINER_V2, null)).isEqualTo(1.5);
  }

  @Test
  void takesTheTightestV2QuotaOnTheWayUp(@TempDir Path root) throws Exception {
    Path pod = Files.createDirectories(root.resolve("kubepods/pod1"));
    Path ctr = Files.createDirectories(pod.resolve("ctr"));
    Files.writeString(pod.resolve("cpu.max"), "50000 100000\n");
    Files.writeString(ctr.resolve("cpu.max"), "max 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, ON_HOST_V2, null)).isEqualTo(0.5);
  }

  @Test
  void noQuotaMeansTheJvmsProcessors(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "max 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, IN_CONTAINER_V2, ""))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void readsTheCgroupV1QuotaOfOurOwnCgroup(@TempDir Path root) throws Exception {
    Path own = Files.createDirectories(root.resolve("cpu,cpuacct/docker/abc"));
    Files.writeString(own.resolve("cpu.cfs_quota_us"), "50000\n");
    Files.writeString(own.resolve("cpu.cfs_period_us"), "100000\n");

    assertThat(CpuMonitor.allowedCpus(root, ON_HOST_V1, null)).isEqualTo(0.5);
  }

  @Test
  void anUnlimitedV1QuotaIsNoQuota(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("cpu"));
    Files.writeString(root.resolve("cpu/cpu.cfs_quota_us"), "-1\n");
    Files.writeString(root.resolve("cpu/cpu.cfs_period_us"), "100000\n");

    assertThat(CpuMonitor.allowedCpus(root, List.of("1:cpu:/"), null))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void numCpusOverridesTheQuota(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("cpu.max"), "150000 100000\n");

    assertThat(CpuMonitor.allowedCpus(root, IN_CONTAINER_V2, "4")).isEqualTo(4.0);
  }

  @Test
  void findsOwnCgroupPaths() {
    assertThat(CpuMonitor.ownPath(ON_HOST_V1, "cpu")).isEqualTo("/docker/abc");
    assertThat(CpuMonitor.ownPath(ON_HOST_V2, "")).isEqualTo("/kubepods/pod1/ctr");
    assertThat(CpuMonitor.ownPath(List.of(), "cpu")).isEqualTo("/");
  }

  @Test
  void samplesStayBetweenZeroAndOne() throws Exception {
    CpuMonitor monitor = new CpuMonitor(1000);

    Thread.sleep(50);

    assertThat(monitor.sample()).isBetween(0.0, 1.0);
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
