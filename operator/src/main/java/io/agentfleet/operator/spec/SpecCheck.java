package io.agentfleet.operator.spec;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.CanaryStep;
import io.agentfleet.api.v1alpha1.Drain;
import io.agentfleet.api.v1alpha1.LiveKitConnection;
import io.agentfleet.api.v1alpha1.Strategy;
import io.agentfleet.api.v1alpha1.WorkerStatusEndpoint;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The operator's own look at a spec before acting on it. The CRD schema normally refuses bad input
 * at the API server; this repeats the checks the operator depends on (a cluster may run an older
 * CRD, and the test API server validates nothing) and adds what a schema cannot express. Each
 * problem names its field.
 */
public final class SpecCheck {

  private static final Pattern URL = Pattern.compile("^(wss?|https?)://[^/?#\\s]+.*");
  private static final Pattern AGENT_NAME = Pattern.compile(AgentDeploymentSpec.AGENT_NAME_PATTERN);

  private SpecCheck() {}

  /**
   * The spec's problems, and a name too long to be the label value every worker pod carries (the
   * CRD refuses it too, but an older CRD let it through, and then every pod creation failed).
   */
  public static List<String> problems(AgentDeployment deployment) {
    List<String> problems = new ArrayList<>();
    String name = deployment.getMetadata() == null ? null : deployment.getMetadata().getName();
    if (name != null && name.length() > AgentDeployment.MAX_NAME_LENGTH) {
      problems.add(
          ("metadata.name: must be at most %d characters (it is %d): every worker pod carries it"
                  + " as a label value")
              .formatted(AgentDeployment.MAX_NAME_LENGTH, name.length()));
    }
    problems.addAll(problems(deployment.getSpec()));
    return problems;
  }

  public static List<String> problems(AgentDeploymentSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec: Required value");
    }
    if (spec.getAgentName() != null && !AGENT_NAME.matcher(spec.getAgentName()).matches()) {
      problems.add("spec.agentName: must be letters, digits, '.', '_' or '-'");
    }
    LiveKitConnection livekit = spec.getLivekit();
    if (livekit == null) {
      problems.add("spec.livekit: Required value");
    } else {
      if (livekit.getUrl() == null || !URL.matcher(livekit.getUrl()).matches()) {
        problems.add("spec.livekit.url: must be a ws://, wss://, http:// or https:// URL");
      }
      if (livekit.getCredentialsSecret() == null || livekit.getCredentialsSecret().isBlank()) {
        problems.add("spec.livekit.credentialsSecret: Required value");
      }
    }
    checkTemplate(spec.getTemplate(), problems);
    if (spec.getReplicas() != null && spec.getReplicas() < 0) {
      problems.add("spec.replicas: must be >= 0");
    }
    if (spec.getRevisionHistoryLimit() != null && spec.getRevisionHistoryLimit() < 0) {
      problems.add("spec.revisionHistoryLimit: must be >= 0");
    }
    Drain drain = spec.getDrain();
    if (drain != null
        && drain.getTimeoutSeconds() != null
        && (drain.getTimeoutSeconds() < 0
            || drain.getTimeoutSeconds() > Drain.MAX_TIMEOUT_SECONDS)) {
      problems.add("spec.drain.timeoutSeconds: must be between 0 and " + Drain.MAX_TIMEOUT_SECONDS);
    }
    // As the CRD: a weight that goes down drains new workers only to start them again. One stored
    // under an older CRD is held, with the step named, until it is fixed.
    checkCanary(spec.getStrategy(), problems);
    WorkerStatusEndpoint status = spec.getWorkerStatus();
    if (status != null
        && status.getPort() != null
        && (status.getPort() < 1 || status.getPort() > 65535)) {
      problems.add("spec.workerStatus.port: must be between 1 and 65535");
    }
    return problems;
  }

  /**
   * What the operator can work with but the user should fix: a grace period shorter than the drain
   * budget means the kubelet kills workers with calls still running.
   */
  public static List<String> warnings(AgentDeploymentSpec spec) {
    List<String> warnings = new ArrayList<>();
    if (spec == null || spec.getTemplate() == null || spec.getTemplate().getSpec() == null) {
      return warnings;
    }
    Long grace = spec.getTemplate().getSpec().getTerminationGracePeriodSeconds();
    int drain = spec.drainTimeoutSeconds();
    if (grace != null && grace < drain) {
      warnings.add(
          ("spec.template.spec.terminationGracePeriodSeconds (%d) is shorter than"
                  + " spec.drain.timeoutSeconds (%d): calls still running when it ends are cut off")
              .formatted(grace, drain));
    }
    return warnings;
  }

  private static void checkCanary(Strategy strategy, List<String> problems) {
    if (strategy == null || strategy.getCanary() == null) {
      return;
    }
    List<CanaryStep> steps = strategy.getCanary().getSteps();
    Integer previous = null;
    for (int i = 0; steps != null && i < steps.size(); i++) {
      Integer weight = steps.get(i) == null ? null : steps.get(i).getSetWeight();
      if (weight == null) {
        continue;
      }
      if (previous != null && weight < previous) {
        problems.add(
            "spec.strategy.canary.steps[%d].setWeight: %d is lower than the %d before it; weights must not decrease"
                .formatted(i, weight, previous));
      }
      previous = weight;
    }
  }

  private static void checkTemplate(PodTemplateSpec template, List<String> problems) {
    if (template == null) {
      problems.add("spec.template: Required value");
      return;
    }
    if (template.getSpec() == null
        || template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty()) {
      problems.add("spec.template.spec.containers: must have at least one container");
      return;
    }
    List<Container> containers = template.getSpec().getContainers();
    for (int i = 0; i < containers.size(); i++) {
      String image = containers.get(i).getImage();
      if (image == null || image.isBlank()) {
        problems.add("spec.template.spec.containers[" + i + "].image: Required value");
      }
    }
    Map<String, String> labels =
        template.getMetadata() == null ? null : template.getMetadata().getLabels();
    if (labels != null) {
      labels.keySet().stream()
          .filter(k -> k.startsWith(AgentDeploymentLabels.RESERVED_PREFIX))
          .forEach(
              k ->
                  problems.add(
                      "spec.template.metadata.labels: "
                          + k
                          + " is set by the operator and cannot be used in the template"));
    }
  }
}
