package io.agentfleet.operator.workers;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Worker pods run under Kubernetes' "restricted" Pod Security Standard unless the template says
 * otherwise: non-root, no privilege escalation, no capabilities, the runtime's seccomp profile, and
 * a read-only root filesystem with a writable {@code /tmp} (an emptyDir) for what the SDKs write
 * there: webrtc-java unpacks its native library, Python and Node keep temporary files. Each field
 * the template sets wins, one by one: {@code readOnlyRootFilesystem: false} alone turns that one
 * off and keeps the rest.
 */
public final class SecurityDefaults {

  /** The emptyDir mounted at {@code /tmp} of containers whose root filesystem is read-only. */
  public static final String TMP_VOLUME = "agentfleet-tmp";

  public static final String TMP_PATH = "/tmp";

  private SecurityDefaults() {}

  public static void apply(PodSpec pod) {
    PodSecurityContext podContext =
        pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    if (podContext.getRunAsNonRoot() == null) {
      podContext.setRunAsNonRoot(true);
    }
    if (podContext.getSeccompProfile() == null) {
      podContext.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
    }
    pod.setSecurityContext(podContext);

    boolean tmpNeeded = false;
    List<Container> all =
        Stream.concat(
                pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream(),
                pod.getContainers().stream())
            .toList();
    for (Container container : all) {
      SecurityContext context =
          container.getSecurityContext() == null
              ? new SecurityContext()
              : container.getSecurityContext();
      if (context.getAllowPrivilegeEscalation() == null) {
        context.setAllowPrivilegeEscalation(false);
      }
      if (context.getCapabilities() == null) {
        context.setCapabilities(new Capabilities(null, List.of("ALL")));
      } else if (context.getCapabilities().getDrop() == null
          || context.getCapabilities().getDrop().isEmpty()) {
        context.getCapabilities().setDrop(List.of("ALL"));
      }
      if (context.getReadOnlyRootFilesystem() == null) {
        context.setReadOnlyRootFilesystem(true);
      }
      container.setSecurityContext(context);
      if (Boolean.TRUE.equals(context.getReadOnlyRootFilesystem()) && !mountsTmp(container)) {
        List<VolumeMount> mounts =
            container.getVolumeMounts() == null
                ? new ArrayList<>()
                : new ArrayList<>(container.getVolumeMounts());
        mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_PATH).build());
        container.setVolumeMounts(mounts);
        tmpNeeded = true;
      }
    }
    if (tmpNeeded && !hasVolume(pod, TMP_VOLUME)) {
      List<Volume> volumes =
          pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
      volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
      pod.setVolumes(volumes);
    }
  }

  private static boolean mountsTmp(Container container) {
    return container.getVolumeMounts() != null
        && container.getVolumeMounts().stream().anyMatch(m -> TMP_PATH.equals(m.getMountPath()));
  }

  private static boolean hasVolume(PodSpec pod, String name) {
    return pod.getVolumes() != null
        && pod.getVolumes().stream().anyMatch(v -> name.equals(v.getName()));
  }
}
