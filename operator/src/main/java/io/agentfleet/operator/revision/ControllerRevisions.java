package io.agentfleet.operator.revision;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.operator.workers.WorkerLabels;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the ControllerRevisions of one AgentDeployment. Each stores the user's template
 * as {@code data.spec.template}, which is what a rollback copies back into the spec.
 */
public final class ControllerRevisions {

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
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion(deployment.getApiVersion())
                        .withKind(deployment.getKind())
                        .withName(deployment.getMetadata().getName())
                        .withUid(deployment.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withRevision(revision.number())
                .withData(Map.of("spec", Map.of("template", userTemplate)))
                .build())
        .create();
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
