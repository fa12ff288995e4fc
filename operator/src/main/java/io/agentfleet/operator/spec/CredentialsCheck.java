package io.agentfleet.operator.spec;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.configdata.WatchedContent;
import io.agentfleet.operator.events.EventReason;
import io.agentfleet.operator.status.Trouble;
import io.agentfleet.operator.workers.PodRenderer;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The LiveKit credentials Secret must exist with keys api-key and api-secret before any worker is
 * started: a pod without them would only fail with CreateContainerConfigError.
 */
public final class CredentialsCheck {

  private final WatchedContent<Secret> secrets;

  public CredentialsCheck(WatchedContent<Secret> secrets) {
    this.secrets = secrets;
  }

  /** Empty when the Secret exists with both keys; else the problem, naming the Secret. */
  public Optional<Trouble> check(AgentDeployment deployment) {
    String name = deployment.getSpec().getLivekit().getCredentialsSecret();
    Secret secret = secrets.get(deployment.getMetadata().getNamespace(), name).orElse(null);
    if (secret == null) {
      return Optional.of(
          new Trouble(
              EventReason.CredentialsSecretMissing.name(),
              ("Secret %s not found: spec.livekit.credentialsSecret must name a Secret with keys"
                      + " %s and %s")
                  .formatted(
                      name, PodRenderer.SECRET_KEY_API_KEY, PodRenderer.SECRET_KEY_API_SECRET)));
    }
    List<String> missing = new ArrayList<>();
    for (String k : List.of(PodRenderer.SECRET_KEY_API_KEY, PodRenderer.SECRET_KEY_API_SECRET)) {
      boolean inData = secret.getData() != null && secret.getData().containsKey(k);
      boolean inStringData =
          secret.getStringData() != null && secret.getStringData().containsKey(k);
      if (!inData && !inStringData) {
        missing.add(k);
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of(
          new Trouble(
              EventReason.CredentialsSecretMissing.name(),
              "Secret %s named by spec.livekit.credentialsSecret lacks key(s) %s"
                  .formatted(name, missing)));
    }
    return Optional.empty();
  }
}
