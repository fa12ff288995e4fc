package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;

/**
 * What a ControllerRevision of an AgentDeployment holds. The operator writes one per template
 * (labelled with {@link AgentDeploymentLabels}, named {@code <deployment>-<hash>}); {@code kubectl
 * agents rollout history/undo} reads them back. Its {@code data} is {@code {spec: {template: <the
 * user's pod template>}}}, the part of the spec a rollback copies back.
 */
public final class RevisionData {

  /**
   * kubectl's change-cause travels from the AgentDeployment to its revision, as for Deployments.
   */
  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private static final String SPEC = "spec";
  private static final String TEMPLATE = "template";

  private RevisionData() {}

  /** The {@code data} of a new revision of this user template. */
  public static Map<String, Object> of(PodTemplateSpec userTemplate) {
    return Map.of(SPEC, Map.of(TEMPLATE, userTemplate));
  }

  /**
   * The stored template as a JSON tree, read without the model so no field of it is lost; empty
   * when the revision holds none. {@code data} is a RawExtension: whatever type the client gave it,
   * it is read back through JSON.
   */
  public static Optional<JsonNode> templateTree(Object data) {
    if (data == null) {
      return Optional.empty();
    }
    JsonNode root = Serialization.unmarshal(Serialization.asJson(data), JsonNode.class);
    JsonNode template = root == null ? null : root.path(SPEC).path(TEMPLATE);
    return template == null || template.isMissingNode() || template.isNull()
        ? Optional.empty()
        : Optional.of(template);
  }

  /** The stored template as the model, as a rollback copies it back into the spec. */
  public static Optional<PodTemplateSpec> template(Object data) {
    return templateTree(data)
        .map(t -> Serialization.unmarshal(Serialization.asJson(t), PodTemplateSpec.class));
  }
}
