package io.agentfleet.cli;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;

/** A client and the namespace the command works in. */
public record Cluster(KubernetesClient client, String namespace) implements AutoCloseable {

  public static final String RESOURCE = "agentdeployments." + AgentDeployment.GROUP;

  public Resource<AgentDeployment> deployment(String name) {
    return client.resources(AgentDeployment.class).inNamespace(namespace).withName(name);
  }

  /** The AgentDeployment, or the error kubectl would print for a missing one. */
  public AgentDeployment get(String name) {
    AgentDeployment deployment = deployment(name).get();
    if (deployment == null) {
      throw new CommandFailure(RESOURCE + " \"" + name + "\" not found in namespace " + namespace);
    }
    return deployment;
  }

  /** {@code agentdeployment.agentfleet.io/NAME}, how kubectl names an object it changed. */
  public static String qualified(String name) {
    return "agentdeployment." + AgentDeployment.GROUP + "/" + name;
  }

  @Override
  public void close() {
    client.close();
  }
}
