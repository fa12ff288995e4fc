package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an AgentDeployment into the effective pod template of its workers: the user's template plus
 * what every LiveKit worker needs (connection env, probes on the status port, a grace period that
 * covers the drain, the restricted security context of {@link SecurityDefaults}). Whatever the
 * template already sets wins.
 */
public final class PodRenderer {

  public static final String SECRET_KEY_API_KEY = "api-key";
  public static final String SECRET_KEY_API_SECRET = "api-secret";
  public static final String ENV_URL = "LIVEKIT_URL";
  public static final String ENV_API_KEY = "LIVEKIT_API_KEY";
  public static final String ENV_API_SECRET = "LIVEKIT_API_SECRET";
  public static final String ENV_AGENT_NAME = "LIVEKIT_AGENT_NAME";

  /** Our worker reads its drain budget from here; other workers ignore it. */
  public static final String ENV_DRAIN_TIMEOUT = "AGENTFLEET_DRAIN_TIMEOUT_SECONDS";

  /** Time after the drain budget for the worker to report and exit before it is killed. */
  public static final long GRACE_MARGIN_SECONDS = 30;

  private PodRenderer() {}

  /** The effective template: deterministic, so its hash names the revision. */
  public static PodTemplateSpec effectiveTemplate(AgentDeployment deployment) {
    return effectiveTemplate(deployment, null);
  }

  /**
   * @param configChecksum checksum of the Secrets and ConfigMaps the pods read, or null; set as an
   *     annotation so that a rotation changes the revision
   */
  public static PodTemplateSpec effectiveTemplate(
      AgentDeployment deployment, String configChecksum) {
    AgentDeploymentSpec spec = deployment.getSpec();
    PodTemplateSpec template = new PodTemplateSpecBuilder(spec.getTemplate()).build();
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.getLabels() != null) {
      labels.putAll(meta.getLabels());
    }
    labels.put(AgentDeploymentLabels.DEPLOYMENT, deployment.getMetadata().getName());
    meta.setLabels(labels);
    if (configChecksum != null) {
      Map<String, String> annotations = new LinkedHashMap<>();
      if (meta.getAnnotations() != null) {
        annotations.putAll(meta.getAnnotations());
      }
      annotations.put(AgentDeploymentAnnotations.CONFIG_CHECKSUM, configChecksum);
      meta.setAnnotations(annotations);
    }
    template.setMetadata(meta);

    if (template.getSpec().getTerminationGracePeriodSeconds() == null) {
      template
          .getSpec()
          .setTerminationGracePeriodSeconds(drainSeconds(spec) + GRACE_MARGIN_SECONDS);
    }
    Container worker = template.getSpec().getContainers().get(0);
    addMissingEnv(worker, spec);
    int port = statusPort(spec);
    if (worker.getLivenessProbe() == null) {
      worker.setLivenessProbe(httpProbe("/", port, 10, 3));
    }
    if (worker.getReadinessProbe() == null) {
      worker.setReadinessProbe(httpProbe(readinessPath(spec), port, 2, 1));
    }
    SecurityDefaults.apply(template.getSpec());
    return template;
  }

  /** A new worker pod of one revision, owned by the deployment so deletion cascades. */
  public static Pod pod(
      AgentDeployment deployment, PodTemplateSpec effective, String revisionHash, String name) {
    Map<String, String> labels = new LinkedHashMap<>(effective.getMetadata().getLabels());
    labels.put(AgentDeploymentLabels.REVISION, revisionHash);
    return new PodBuilder()
        .withNewMetadataLike(effective.getMetadata())
        .withName(name)
        .withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(WorkerLabels.controllerReference(deployment))
        .endMetadata()
        .withSpec(new PodTemplateSpecBuilder(effective).build().getSpec())
        .build();
  }

  static long drainSeconds(AgentDeploymentSpec spec) {
    return spec.drainTimeoutSeconds();
  }

  public static int statusPort(AgentDeploymentSpec spec) {
    return spec.workerStatusPort();
  }

  /**
   * Our worker answers {@code /ready} only while registered and not draining. Python and Node
   * workers have no such path; their {@code /} is the best signal they give.
   */
  static String readinessPath(AgentDeploymentSpec spec) {
    return spec.workerStatusFormat() == WorkerStatusFormat.AGENTFLEET ? "/ready" : "/";
  }

  private static void addMissingEnv(Container worker, AgentDeploymentSpec spec) {
    List<EnvVar> env =
        worker.getEnv() == null ? new ArrayList<>() : new ArrayList<>(worker.getEnv());
    String secret = spec.getLivekit().getCredentialsSecret();
    List<EnvVar> wanted =
        List.of(
            new EnvVarBuilder().withName(ENV_URL).withValue(spec.getLivekit().getUrl()).build(),
            secretEnv(ENV_API_KEY, secret, SECRET_KEY_API_KEY),
            secretEnv(ENV_API_SECRET, secret, SECRET_KEY_API_SECRET),
            new EnvVarBuilder()
                .withName(ENV_AGENT_NAME)
                .withValue(Objects.requireNonNullElse(spec.getAgentName(), ""))
                .build(),
            new EnvVarBuilder()
                .withName(ENV_DRAIN_TIMEOUT)
                .withValue(Long.toString(drainSeconds(spec)))
                .build());
    for (EnvVar var : wanted) {
      if (env.stream().noneMatch(e -> e.getName().equals(var.getName()))) {
        env.add(var);
      }
    }
    worker.setEnv(env);
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static Probe httpProbe(String path, int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}
