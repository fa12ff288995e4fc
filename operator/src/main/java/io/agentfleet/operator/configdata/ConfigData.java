package io.agentfleet.operator.configdata;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The Secrets and ConfigMaps the deployments and their pods read, each through its watch. */
public record ConfigData(WatchedContent<Secret> secrets, WatchedContent<ConfigMap> configMaps) {

  public static ConfigData of(KubernetesClient client) {
    return new ConfigData(
        new WatchedContent<>((ns, name) -> client.secrets().inNamespace(ns).withName(name).get()),
        new WatchedContent<>(
            (ns, name) -> client.configMaps().inNamespace(ns).withName(name).get()));
  }
}
