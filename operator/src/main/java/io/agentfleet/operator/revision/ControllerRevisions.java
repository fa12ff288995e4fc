package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.api.v1alpha1.AgentDeploymentLabels;
import io.agentfleet.api.v1alpha1.RevisionData;
import io.agentfleet.operator.workers.WorkerLabels;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes the ControllerRevisions of one AgentDeployment, laid out as {@link RevisionData}
 * says (what {@code kubectl agents rollout history/undo} reads).
 */
public final class ControllerRevisions {

  private final KubernetesClient client;

  public ControllerRevisions(KubernetesClient client) {
    this.client = client;
  }

  /** kubectl's change-cause travels with the revision, as for Deployments. */
  private static Map<String, String> changeCause(AgentDeployment deployment) {
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    String cause = annotations == null ? null : annotations.get(RevisionData.CHANGE_CAUSE);
    return cause == null ? Map.of() : Map.of(RevisionData.CHANGE_CAUSE, cause);
  }

  public static List<Revision> revisions(Collection<ControllerRevision> stored) {
    return stored.stream()
        .filter(r -> r.getMetadata().getLabels() != null)
        .filter(r -> r.getMetadata().getLabels().containsKey(AgentDeploymentLabels.REVISION))
        .map(
            r ->
                new Revision(
                    r.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION),
                    r.getMetadata().getName(),
                    r.getRevision() == null ? 0 : r.getRevision()))
        .toList();
  }

  public ControllerRevision create(
      AgentDeployment deployment, Revision revision, PodTemplateSpec userTemplate) {
    return client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .resource(
            new ControllerRevisionBuilder()
                .withNewMetadata()
                .withName(revision.name())
                .withNamespace(deployment.getMetadata().getNamespace())
                .withLabels(
                    AgentDeploymentLabels.of(deployment.getMetadata().getName(), revision.hash()))
                .withAnnotations(changeCause(deployment))
                .withOwnerReferences(WorkerLabels.controllerReference(deployment))
                .endMetadata()
                .withRevision(revision.number())
                .withData(RevisionData.of(userTemplate))
                .build())
        .create();
  }

  /** The user template a revision stored, as rollback and undo copy it back. */
  public Optional<PodTemplateSpec> template(AgentDeployment deployment, String revisionName) {
    ControllerRevision r =
        client
            .apps()
            .controllerRevisions()
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(revisionName)
            .get();
    return r == null ? Optional.empty() : RevisionData.template(r.getData());
  }

  public void annotate(AgentDeployment deployment, String revisionName, String key, String value) {
    client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withName(revisionName)
        .edit(
            r -> {
              Map<String, String> annotations =
                  r.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(r.getMetadata().getAnnotations());
              annotations.put(key, value);
              r.getMetadata().setAnnotations(annotations);
              return r;
            });
  }

  /** Revisions marked as rolled back, by hash. */
  public static Set<String> rolledBack(Collection<ControllerRevision> stored) {
    Set<String> hashes = new HashSet<>();
    for (ControllerRevision r : stored) {
      Map<String, String> annotations = r.getMetadata().getAnnotations();
      if (annotations != null
          && annotations.containsKey(AgentDeploymentAnnotations.ROLLED_BACK)
          && r.getMetadata().getLabels() != null) {
        hashes.add(r.getMetadata().getLabels().get(AgentDeploymentLabels.REVISION));
      }
    }
    return hashes;
  }

  public void renumber(AgentDeployment deployment, Revision revision) {
    client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withName(revision.name())
        .edit(r -> new ControllerRevisionBuilder(r).withRevision(revision.number()).build());
  }

  public void delete(AgentDeployment deployment, Revision revision) {
    client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withName(revision.name())
        .delete();
  }
}
