package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.AgentDeploymentAnnotations;
import io.agentfleet.operator.workers.WorkerLabels;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes the ControllerRevisions of one AgentDeployment. Each stores the user's template
 * as {@code data.spec.template}, which is what a rollback copies back into the spec.
 */
public final class ControllerRevisions {

  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private final KubernetesClient client;

  public ControllerRevisions(KubernetesClient client) {
    this.client = client;
  }

  public List<ControllerRevision> list(AgentDeployment deployment) {
    return client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withLabel(WorkerLabels.DEPLOYMENT, deployment.getMetadata().getName())
        .list()
        .getItems();
  }

  /** kubectl's change-cause travels with the revision, as for Deployments. */
  private static Map<String, String> changeCause(AgentDeployment deployment) {
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    String cause = annotations == null ? null : annotations.get(CHANGE_CAUSE);
    return cause == null ? Map.of() : Map.of(CHANGE_CAUSE, cause);
  }

  public static List<Revision> revisions(List<ControllerRevision> stored) {
    return stored.stream()
        .filter(r -> r.getMetadata().getLabels() != null)
        .filter(r -> r.getMetadata().getLabels().containsKey(WorkerLabels.REVISION))
        .map(
            r ->
                new Revision(
                    r.getMetadata().getLabels().get(WorkerLabels.REVISION),
                    r.getMetadata().getName(),
                    r.getRevision() == null ? 0 : r.getRevision()))
        .toList();
  }

  public void create(AgentDeployment deployment, Revision revision, PodTemplateSpec userTemplate) {
    client
        .apps()
        .controllerRevisions()
        .inNamespace(deployment.getMetadata().getNamespace())
        .resource(
            new ControllerRevisionBuilder()
                .withNewMetadata()
                .withName(revision.name())
                .withNamespace(deployment.getMetadata().getNamespace())
                .withLabels(WorkerLabels.of(deployment.getMetadata().getName(), revision.hash()))
                .withAnnotations(changeCause(deployment))
                .withOwnerReferences(WorkerLabels.controllerReference(deployment))
                .endMetadata()
                .withRevision(revision.number())
                .withData(Map.of("spec", Map.of("template", userTemplate)))
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
    if (r == null || r.getData() == null) {
      return Optional.empty();
    }
    // data is a RawExtension: whatever type the client gave it, read it back as a tree.
    Map<?, ?> data = Serialization.unmarshal(Serialization.asJson(r.getData()), Map.class);
    Object spec = data.get("spec");
    if (!(spec instanceof Map<?, ?> specMap) || specMap.get("template") == null) {
      return Optional.empty();
    }
    return Optional.of(
        Serialization.unmarshal(
            Serialization.asJson(specMap.get("template")), PodTemplateSpec.class));
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
  public static Set<String> rolledBack(List<ControllerRevision> stored) {
    Set<String> hashes = new HashSet<>();
    for (ControllerRevision r : stored) {
      Map<String, String> annotations = r.getMetadata().getAnnotations();
      if (annotations != null
          && annotations.containsKey(AgentDeploymentAnnotations.ROLLED_BACK)
          && r.getMetadata().getLabels() != null) {
        hashes.add(r.getMetadata().getLabels().get(WorkerLabels.REVISION));
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
