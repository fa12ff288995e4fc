package io.agentfleet.worker.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * This process's CPU use relative to the CPUs it may use. The usage is the JVM's own CPU time, so
 * other processes on a shared host do not count; the CPUs allowed come from the nearest cgroup
 * quota (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us}), as the container limit defines them,
 * else the processors the JVM sees. {@code NUM_CPUS} overrides, as in the Python SDK.
 */
public final class CpuMonitor {
  private final double cpus;
  private long lastUsageNanos;
  private long lastWallNanos;

  public CpuMonitor(double cpus) {
    this.cpus = cpus;
    this.lastUsageNanos = processCpuNanos();
    this.lastWallNanos = System.nanoTime();
  }

  public static CpuMonitor forThisProcess() {
    return new CpuMonitor(
        allowedCpus(
            Path.of("/sys/fs/cgroup"),
            read(Path.of("/proc/self/cgroup")),
            System.getenv("NUM_CPUS")));
  }

  public double cpus() {
    return cpus;
  }

  /** Utilisation in [0, 1] since the previous call. */
  public synchronized double sample() {
    long usage = processCpuNanos();
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

  /**
   * @param root where the cgroup file systems are mounted
   * @param procSelfCgroup the lines of {@code /proc/self/cgroup}
   */
  static double allowedCpus(Path root, List<String> procSelfCgroup, String override) {
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
    OptionalDouble quota = cgroupV2Quota(root, ownPath(procSelfCgroup, ""));
    if (quota.isEmpty()) {
      quota = cgroupV1Quota(root, ownPath(procSelfCgroup, "cpu"));
    }
    return quota.orElse(Runtime.getRuntime().availableProcessors());
  }

  /**
   * The cgroup path of this process for a v1 controller, or for the v2 hierarchy when {@code
   * controller} is empty ("0::/path"). "/" inside a container with its own cgroup namespace.
   */
  static String ownPath(List<String> procSelfCgroup, String controller) {
    for (String line : procSelfCgroup) {
      String[] parts = line.split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      boolean match =
          controller.isEmpty()
              ? parts[0].equals("0") && parts[1].isEmpty()
              : List.of(parts[1].split(",")).contains(controller);
      if (match) {
        return parts[2];
      }
    }
    return "/";
  }

  /** The tightest {@code cpu.max} ("quota period" or "max period") from our cgroup up. */
  static OptionalDouble cgroupV2Quota(Path root, String ownPath) {
    OptionalDouble tightest = OptionalDouble.empty();
    for (Path dir = under(root, ownPath);
        dir != null && dir.startsWith(root);
        dir = dir.getParent()) {
      List<String> lines = read(dir.resolve("cpu.max"));
      if (lines.isEmpty()) {
        continue;
      }
      String[] parts = lines.get(0).trim().split("\\s+");
      if (parts.length != 2 || parts[0].equals("max")) {
        continue;
      }
      try {
        double cpus = Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
        if (tightest.isEmpty() || cpus < tightest.getAsDouble()) {
          tightest = OptionalDouble.of(cpus);
        }
      } catch (NumberFormatException ignored) {
        // not a quota
      }
    }
    return tightest;
  }

  /** The v1 quota of our cgroup, or of the mount root (a container's view without namespaces). */
  static OptionalDouble cgroupV1Quota(Path root, String ownPath) {
    for (String mount : List.of("cpu", "cpu,cpuacct")) {
      for (Path dir : List.of(under(root.resolve(mount), ownPath), root.resolve(mount))) {
        List<String> quota = read(dir.resolve("cpu.cfs_quota_us"));
        List<String> period = read(dir.resolve("cpu.cfs_period_us"));
        if (quota.isEmpty() || period.isEmpty()) {
          continue;
        }
        try {
          double q = Double.parseDouble(quota.get(0).trim());
          double p = Double.parseDouble(period.get(0).trim());
          if (q > 0 && p > 0) {
            return OptionalDouble.of(q / p);
          }
        } catch (NumberFormatException ignored) {
          // not a quota
        }
      }
    }
    return OptionalDouble.empty();
  }

  private static Path under(Path root, String cgroupPath) {
    String relative = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
    return relative.isEmpty() ? root : root.resolve(relative).normalize();
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
