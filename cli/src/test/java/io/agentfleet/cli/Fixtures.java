package io.agentfleet.cli;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.AgentDeploymentStatus;
import io.agentfleet.api.v1alpha1.ConditionType;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.api.v1alpha1.RolloutStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import java.util.HashMap;
import java.util.Map;

/** Small builders of the objects the plugin reads, in the shapes the operator writes them. */
public final class Fixtures {

  public static final String NAME = "voice-agent";

  private Fixtures() {}

  public static PodTemplateSpec template(String image, String... labels) {
    Map<String, String> labelMap = new HashMap<>();
    labelMap.put("app", NAME);
    for (int i = 0; i + 1 < labels.length; i += 2) {
      labelMap.put(labels[i], labels[i + 1]);
    }
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labelMap)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(image)
        .addNewEnv()
        .withName("LOG_LEVEL")
        .withValue("info")
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  public static AgentDeployment deployment(PodTemplateSpec template) {
    AgentDeployment d = new AgentDeployment();
    d.setMetadata(new ObjectMetaBuilder().withName(NAME).build());
    AgentDeploymentSpec spec = new AgentDeploymentSpec();
    spec.setTemplate(template);
    spec.setReplicas(2);
    d.setSpec(spec);
    return d;
  }

  /** A status as the operator writes it for generation {@code generation}. */
  public static AgentDeploymentStatus status(long generation, String phase) {
    AgentDeploymentStatus s = new AgentDeploymentStatus();
    s.setObservedGeneration(generation);
    s.setDesiredReplicas(2);
    s.setReplicas(2);
    s.setReadyReplicas(2);
    s.setUpdatedReplicas(2);
    s.setActiveJobs(3);
    s.setLoad(0.25);
    s.setCurrentRevision(NAME + "-bbb");
    s.setUpdateRevision(NAME + "-bbb");
    RolloutStatus rollout = new RolloutStatus();
    rollout.setPhase(phase);
    s.setRollout(rollout);
    return s;
  }

  public static void progressing(AgentDeploymentStatus status, String value, String reason) {
    status
        .getConditions()
        .add(
            new ConditionBuilder()
                .withType(ConditionType.PROGRESSING)
                .withStatus(value)
                .withReason(reason)
                .withMessage("new workers did not become available in 600s")
                .build());
  }

  public static ControllerRevision revision(
      long number, String hash, PodTemplateSpec template, String changeCause, String rolledBack) {
    Map<String, String> annotations = new HashMap<>();
    if (changeCause != null) {
      annotations.put(RevisionData.CHANGE_CAUSE, changeCause);
    }
    if (rolledBack != null) {
      annotations.put(AgentDeploymentAnnotations.ROLLED_BACK, rolledBack);
    }
    return new ControllerRevisionBuilder()
        .withNewMetadata()
        .withName(NAME + "-" + hash)
        .withLabels(AgentDeploymentLabels.of(NAME, hash))
        .withAnnotations(annotations)
        .endMetadata()
        .withRevision(number)
        .withData(RevisionData.of(template))
        .build();
  }

  public static Pod pod(String name, String hash, boolean ready, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(AgentDeploymentLabels.of(NAME, hash))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage("img")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }
}
