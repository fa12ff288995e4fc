package io.agentfleet.operator.workers;

import static io.agentfleet.operator.workers.PodRendererTest.deployment;
import static io.agentfleet.operator.workers.PodRendererTest.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.junit.jupiter.api.Test;

class SecurityDefaultsTest {

  static PodSpec rendered(PodTemplateSpec template) {
    return PodRenderer.effectiveTemplate(deployment(template)).getSpec();
  }

  @Test
  void workersAreRestrictedByDefault() {
    PodSpec pod = rendered(template().build());
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : pod.getContainers()) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getVolumeMounts())
          .extracting(VolumeMount::getMountPath, VolumeMount::getName)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("/tmp", SecurityDefaults.TMP_VOLUME));
    }
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo(SecurityDefaults.TMP_VOLUME);
              assertThat(v.getEmptyDir()).isNotNull();
            });
  }

  @Test
  void theTemplateOverridesFieldByField() {
    PodTemplateSpec template =
        template()
            .editSpec()
            .withNewSecurityContext()
            .withRunAsUser(0L)
            .withRunAsNonRoot(false)
            .endSecurityContext()
            .editFirstContainer()
            .withSecurityContext(
                new SecurityContextBuilder()
                    .withReadOnlyRootFilesystem(false)
                    .withNewCapabilities()
                    .withAdd("NET_ADMIN")
                    .endCapabilities()
                    .build())
            .endContainer()
            .endSpec()
            .build();
    PodSpec pod = rendered(template);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container agent = pod.getContainers().get(0);
    assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isFalse();
    assertThat(agent.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(agent.getVolumeMounts()).as("writable root: no /tmp volume").isNullOrEmpty();
    Container sidecar = pod.getContainers().get(1);
    assertThat(sidecar.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getVolumes()).hasSize(1);
  }

  @Test
  void aTemplateThatMountsItsOwnTmpKeepsIt() {
    PodTemplateSpec template =
        template()
            .editSpec()
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .endVolume()
            .editFirstContainer()
            .addNewVolumeMount()
            .withName("scratch")
            .withMountPath("/tmp")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build();
    PodSpec pod = rendered(template);
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .containsExactly("scratch");
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactlyInAnyOrder("scratch", SecurityDefaults.TMP_VOLUME);
  }

  @Test
  void renderingTwiceChangesNothing() {
    PodTemplateSpec once = PodRenderer.effectiveTemplate(deployment(template().build()));
    PodSpec twice = rendered(once);
    assertThat(twice).isEqualTo(once.getSpec());
  }
}
