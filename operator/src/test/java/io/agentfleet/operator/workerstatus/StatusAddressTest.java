package io.agentfleet.operator.workerstatus;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StatusAddressTest {

  private static final Map<String, String> ANNOTATED =
      Map.of(StatusAddress.ANNOTATION, "169.254.169.254:80");

  @Test
  void byDefaultAnAnnotatedPodIsPolledAtItsOwnIp() {
    assertThat(StatusAddress.workerUrl(deployment(Map.of()), pod(ANNOTATED, "10.0.0.7"), false))
        .contains(URI.create("http://10.0.0.7:8081/worker"));
  }

  @Test
  void byDefaultAnAnnotatedPodWithoutAnIpIsNotPolled() {
    assertThat(StatusAddress.workerUrl(deployment(Map.of()), pod(ANNOTATED, null), false))
        .isEmpty();
  }

  @Test
  void theSettingIsOffOutsideTheTestProfile() throws Exception {
    Properties shipped = new Properties();
    try (var in = getClass().getResourceAsStream("/application.properties")) {
      shipped.load(in);
    }
    assertThat(shipped.getProperty(StatusAddress.SETTING)).isEqualTo("false");
    // Only the mock tier, whose kubelet runs workers on 127.0.0.1, turns it on.
    assertThat(shipped.getProperty("%test." + StatusAddress.SETTING)).isEqualTo("true");
  }

  @Test
  void whenAllowedTheAnnotationNamesTheAddress() {
    assertThat(StatusAddress.workerUrl(deployment(Map.of()), pod(ANNOTATED, "10.0.0.7"), true))
        .contains(URI.create("http://169.254.169.254:80/worker"));
  }

  @Test
  void whenAllowedAnAnnotationTheTemplateCarriesIsStillIgnored() {
    assertThat(StatusAddress.workerUrl(deployment(ANNOTATED), pod(ANNOTATED, "10.0.0.7"), true))
        .contains(URI.create("http://10.0.0.7:8081/worker"));
  }

  @Test
  void anythingButHostAndPortIsNoAddress() {
    assertThat(StatusAddress.hostPort("127.0.0.1:9000")).isPresent();
    assertThat(StatusAddress.hostPort("user@127.0.0.1:9000")).isEmpty();
    assertThat(StatusAddress.hostPort("127.0.0.1:9000/admin?x=1#")).isEmpty();
    assertThat(StatusAddress.hostPort("127.0.0.1")).isEmpty();
    assertThat(
            StatusAddress.workerUrl(
                deployment(Map.of()),
                pod(Map.of(StatusAddress.ANNOTATION, "a b:1"), "10.0.0.7"),
                true))
        .isEqualTo(Optional.empty());
  }

  private static AgentDeployment deployment(Map<String, String> templateAnnotations) {
    AgentDeployment d = new AgentDeployment();
    d.getMetadata().setName("voice");
    d.getMetadata().setNamespace("prod");
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setLivekit(new LiveKitConnection("wss://lk.example", "livekit"));
    spec.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withAnnotations(templateAnnotations)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("agent:1")
            .endContainer()
            .endSpec()
            .build());
    d.setSpec(spec);
    return d;
  }

  private static Pod pod(Map<String, String> annotations, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("voice-abc")
        .withAnnotations(annotations)
        .endMetadata()
        .withNewStatus()
        .withPodIP(ip)
        .endStatus()
        .build();
  }
}
