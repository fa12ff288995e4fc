package io.agentfleet.worker.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU utilisation relative to the CPUs this worker may use: the cgroup quota when there is one (v2
 * {@code cpu.max}, v1 {@code cfs_quota_us}), otherwise the processors the JVM sees; {@code
 * NUM_CPUS} overrides both, as in the Python SDK. Usage comes from the cgroup when readable, so it
 * counts the whole container, otherwise from this process.
 */
public final class CpuMonitor {
  private final Path cgroupRoot;
  private final double cpus;
  private long lastUsageNanos;
  private long lastWallNanos;

  public CpuMonitor(Path cgroupRoot, String numCpusOverride) {
    this.cgroupRoot = cgroupRoot;
    this.cpus = allowedCpus(cgroupRoot, numCpusOverride);
    this.lastUsageNanos = usageNanos();
    this.lastWallNanos = System.nanoTime();
  }

  public static CpuMonitor forThisProcess() {
    return new CpuMonitor(Path.of("/sys/fs/cgroup"), System.getenv("NUM_CPUS"));
  }

  public double cpus() {
    return cpus;
  }

  /** Utilisation in [0, 1] since the previous call. */
  public synchronized double sample() {
    long usage = usageNanos();
    long wall = System.nanoTime();
    double value = utilisation(usage - lastUsageNanos, wall - lastWallNanos, cpus);
    lastUsageNanos = usage;
    lastWallNanos = wall;
    return value;
  }

  /** CPU time used over wall time elapsed, divided by the CPUs allowed, clamped to [0, 1]. */
  static double utilisation(long usedNanos, long elapsedNanos, double cpus) {
    if (elapsedNanos <= 0 || cpus <= 0) {
      return 0;
    }
    return Math.max(0, Math.min(1, usedNanos / (elapsedNanos * cpus)));
  }

  static double allowedCpus(Path root, String override) {
    if (override != null && !override.isBlank()) {
      try {
        double n = Double.parseDouble(override.trim());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // fall through to detection
      }
    }
    OptionalDouble quota = cgroupV2Quota(root);
    if (quota.isEmpty()) {
      quota = cgroupV1Quota(root);
    }
    return quota.orElse(Runtime.getRuntime().availableProcessors());
  }

  /** {@code cpu.max} holds "quota period" or "max period". */
  static OptionalDouble cgroupV2Quota(Path root) {
    List<String> lines = read(root.resolve("cpu.max"));
    if (lines.isEmpty()) {
      return OptionalDouble.empty();
    }
    String[] parts = lines.get(0).trim().split("\\s+");
    if (parts.length != 2 || parts[0].equals("max")) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  static OptionalDouble cgroupV1Quota(Path root) {
    List<String> quota = read(root.resolve("cpu/cpu.cfs_quota_us"));
    List<String> period = read(root.resolve("cpu/cpu.cfs_period_us"));
    if (quota.isEmpty() || period.isEmpty()) {
      return OptionalDouble.empty();
    }
    try {
      double q = Double.parseDouble(quota.get(0).trim());
      double p = Double.parseDouble(period.get(0).trim());
      return q > 0 && p > 0 ? OptionalDouble.of(q / p) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  private long usageNanos() {
    OptionalLong cgroup = cgroupUsageNanos(cgroupRoot);
    if (cgroup.isPresent()) {
      return cgroup.getAsLong();
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  static OptionalLong cgroupUsageNanos(Path root) {
    for (String line : read(root.resolve("cpu.stat"))) {
      if (line.startsWith("usage_usec ")) {
        try {
          return OptionalLong.of(Long.parseLong(line.substring(11).trim()) * 1000);
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    List<String> v1 = read(root.resolve("cpuacct/cpuacct.usage"));
    if (!v1.isEmpty()) {
      try {
        return OptionalLong.of(Long.parseLong(v1.get(0).trim()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
