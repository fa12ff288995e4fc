package io.agentfleet.cli.revision;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.cli.Cluster;
import io.agentfleet.cli.CommandFailure;
import io.agentfleet.cli.output.OutputFormat;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The revisions of one AgentDeployment, oldest first. Choosing what to roll back to is a pure
 * function of this list, so it is tested without an API server.
 */
public record RevisionHistory(String deployment, List<Revision> revisions) {

  public RevisionHistory {
    revisions = revisions.stream().sorted(Comparator.comparingLong(Revision::number)).toList();
  }

  public static RevisionHistory read(Cluster cluster, String deployment) {
    List<ControllerRevision> stored =
        cluster
            .client()
            .apps()
            .controllerRevisions()
            .inNamespace(cluster.namespace())
            .withLabel(AgentDeploymentLabels.DEPLOYMENT, deployment)
            .list()
            .getItems();
    return new RevisionHistory(deployment, stored.stream().map(RevisionHistory::revision).toList());
  }

  static Revision revision(ControllerRevision stored) {
    var meta = stored.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    Map<String, String> annotations =
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    return new Revision(
        stored.getRevision() == null ? 0 : stored.getRevision(),
        meta.getName(),
        labels.get(AgentDeploymentLabels.REVISION),
        annotations.get(RevisionData.CHANGE_CAUSE),
        annotations.get(AgentDeploymentAnnotations.ROLLED_BACK),
        meta.getCreationTimestamp(),
        template(stored.getData()));
  }

  /** The stored template as a tree that compares equal to the spec's, or null. */
  static JsonNode template(Object data) {
    return RevisionData.templateTree(data).map(RevisionHistory::canonical).orElse(null);
  }

  /**
   * A template (a model object, a map, a tree) as a JSON tree that compares equal to any other form
   * of the same JSON: converting the model directly would make {@code
   * terminationGracePeriodSeconds: 30} a long node, which does not equal the int node read from the
   * server's JSON.
   */
  public static JsonNode canonical(Object template) {
    var serialization = OutputFormat.serialization();
    return serialization.unmarshal(serialization.asJson(template), JsonNode.class);
  }

  public boolean isEmpty() {
    return revisions.isEmpty();
  }

  public Optional<Revision> number(long number) {
    return revisions.stream().filter(r -> r.number() == number).findFirst();
  }

  public Optional<Revision> named(String name) {
    return revisions.stream().filter(r -> Objects.equals(r.name(), name)).findFirst();
  }

  public Optional<Revision> hash(String hash) {
    return revisions.stream().filter(r -> Objects.equals(r.hash(), hash)).findFirst();
  }

  /** The revision with the highest number below this one's, whatever its state. */
  public Optional<Revision> before(Revision revision) {
    return revisions.stream().filter(r -> r.number() < revision.number()).reduce((a, b) -> b);
  }

  /** The revision the spec runs now: the one whose template it is, else the status's. */
  public Optional<Revision> current(JsonNode specTemplate, String updateRevision) {
    return revisions.stream()
        .filter(r -> r.template() != null && r.template().equals(specTemplate))
        .reduce((a, b) -> b)
        .or(() -> named(updateRevision))
        .or(() -> revisions.stream().reduce((a, b) -> b));
  }

  public Revision find(long number) {
    return number(number)
        .orElseThrow(
            () ->
                new CommandFailure(
                    "unable to find revision "
                        + number
                        + " of agentdeployment \""
                        + deployment
                        + "\" in its history"
                        + (revisions.isEmpty() ? "" : " (revisions: " + numbers() + ")")));
  }

  /**
   * What {@code rollout undo} goes back to: the revision asked for, or else the newest one before
   * the current revision that the operator did not roll back (going "back" to a release that
   * already failed would repeat the failure, and the operator refuses to roll forward to it).
   */
  public Revision undoTarget(Revision current, long toRevision) {
    if (revisions.isEmpty()) {
      throw new CommandFailure(
          "no rollout history found for agentdeployment \"" + deployment + "\"");
    }
    if (toRevision > 0) {
      return find(toRevision);
    }
    return revisions.stream()
        .filter(r -> current == null || r.number() < current.number())
        .filter(r -> r.rolledBack() == null)
        .reduce((a, b) -> b)
        .orElseThrow(
            () ->
                new CommandFailure(
                    "no earlier revision of agentdeployment \""
                        + deployment
                        + "\" to roll back to (revisions: "
                        + numbers()
                        + ")"));
  }

  private String numbers() {
    return revisions.stream()
        .map(r -> String.valueOf(r.number()))
        .collect(Collectors.joining(", "));
  }
}
