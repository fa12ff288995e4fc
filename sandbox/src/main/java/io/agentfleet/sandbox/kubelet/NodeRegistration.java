package io.agentfleet.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code Node} a kubelet registers when it starts: this machine's processors and memory as
 * capacity, a {@code Ready} condition, 127.0.0.1 as its address. Its status is written once: no
 * node-lifecycle controller runs in the sandbox to mark a silent node unknown, so there is no
 * heartbeat to keep up.
 */
final class NodeRegistration {
  /** What a kubelet allows by default. */
  static final String MAX_PODS = "110";

  private NodeRegistration() {}

  static Node register(KubernetesClient client, String name) {
    if (client.nodes().withName(name).get() == null) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withLabels(
                      Map.of(
                          "kubernetes.io/hostname",
                          name,
                          "kubernetes.io/os",
                          "linux",
                          "kubernetes.io/arch",
                          architecture()))
                  .endMetadata()
                  .build())
          .create();
    }
    NodeStatus status = status(name, Instant.now());
    return client
        .nodes()
        .withName(name)
        .editStatus(
            n -> {
              n.setStatus(status);
              return n;
            });
  }

  static NodeStatus status(String name, Instant now) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
            "memory", new Quantity(Long.toString(memoryBytes())),
            "pods", new Quantity(MAX_PODS));
    return new NodeStatusBuilder()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withReason("KubeletReady")
        .withMessage("the sandbox kubelet runs pods as local processes")
        .withLastHeartbeatTime(now.toString())
        .withLastTransitionTime(now.toString())
        .endCondition()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(PodStatuses.IP)
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .withNewNodeInfo()
        .withOperatingSystem("linux")
        .withArchitecture(architecture())
        .withKernelVersion(System.getProperty("os.version"))
        .withOsImage(System.getProperty("os.name"))
        .withContainerRuntimeVersion("sandbox://processes")
        .withKubeletVersion("sandbox")
        .withMachineID("")
        .withSystemUUID("")
        .withBootID("")
        .endNodeInfo()
        .build();
  }

  static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  private static long memoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
