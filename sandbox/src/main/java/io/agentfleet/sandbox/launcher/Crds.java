package io.agentfleet.sandbox.launcher;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The committed CRD, the one users install. */
public final class Crds {
  private Crds() {}

  public static CustomResourceDefinition read(Path file) {
    try {
      return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRD " + file, e);
    }
  }

  /**
   * Applies the CRD and waits until the API server serves it: until then a create of the custom
   * resource answers 404, as right after {@code kubectl apply -f crds/} on a cluster.
   */
  public static CustomResourceDefinition install(
      KubernetesClient client, Path file, Duration timeout) {
    CustomResourceDefinition crd = read(file);
    crd.getMetadata().setResourceVersion(null);
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(crd)
        .fieldManager("agentfleet-sandbox")
        .forceConflicts()
        .serverSideApply();
    return client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            cond ->
                                cond.getType().equals("Established")
                                    && cond.getStatus().equals("True")),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
  }
}
