package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.sandbox.launcher.Crds;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  static final CustomResourceDefinition CRD = Crds.read(Path.of(System.getProperty("sandbox.crd")));
  static final ServedResource AGD = Discovery.fromCrd(CRD).get(0);
  static final Admission ADMISSION = new Admission(List.of(CRD));

  static Object manifest(String spec) {
    return Serialization.unmarshal(
        """
        apiVersion: agentfleet.io/v1alpha1
        kind: AgentDeployment
        metadata: {name: a}
        spec:
        """
            + spec,
        Map.class);
  }

  @Test
  void aValidObjectIsAdmitted() {
    assertThat(
            ADMISSION.check(
                AGD,
                "a",
                manifest(
                    """
                      livekit: {url: "ws://x:7880", credentialsSecret: livekit}
                      template: {spec: {containers: [{name: w, image: i}]}}
                    """)))
        .isEmpty();
  }

  @Test
  void anInvalidOneIsRefusedAs422WithACausePerField() {
    Status status =
        ADMISSION
            .check(
                AGD,
                "a",
                manifest(
                    """
                      replicas: -1
                      colour: blue
                      livekit: {url: "ftp://x", credentialsSecret: livekit}
                      template: {spec: {containers: [{name: w, image: i}]}}
                    """))
            .orElseThrow();
    assertThat(status.getCode()).isEqualTo(422);
    assertThat(status.getReason()).isEqualTo("Invalid");
    assertThat(status.getMessage()).startsWith("AgentDeployment.agentfleet.io \"a\" is invalid: [");
    assertThat(status.getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains("spec.replicas", "spec.colour", "spec.livekit.url");
  }

  @Test
  void theScaleSubresourceIsDescribedFromTheCrd() {
    assertThat(AGD.scale().specReplicas()).isEqualTo(".spec.replicas");
    assertThat(AGD.shortNames()).contains("agd");
  }
}
