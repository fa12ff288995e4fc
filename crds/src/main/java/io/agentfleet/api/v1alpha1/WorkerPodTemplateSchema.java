package io.agentfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * The schema published for {@code spec.template}: only what the operator relies on is declared; the
 * rest of the PodTemplateSpec is preserved as written. Declaring the whole PodSpec would put
 * several hundred kilobytes into the CRD, past what client-side {@code kubectl apply} can store in
 * its last-applied annotation.
 */
public final class WorkerPodTemplateSchema {

  @PreserveUnknownFields public MetadataSchema metadata;

  @Required @PreserveUnknownFields public PodSpecSchema spec;

  private WorkerPodTemplateSchema() {}

  @ValidationRule(
      value = "self.containers.all(c, self.containers.exists_one(d, d.name == c.name))",
      message = "template.spec.containers must have unique names")
  public static final class PodSpecSchema {
    /** Bounded so that the API server's CEL cost estimate for the rule above stays small. */
    @Required
    @Size(min = 1, max = 32)
    public List<ContainerSchema> containers;

    private PodSpecSchema() {}
  }

  /**
   * A label key: an optional DNS-subdomain prefix and '/', then a name of up to 63 characters
   * starting and ending with a letter or digit. Written without backslashes so that the same text
   * reads the same in Java, YAML and CEL.
   */
  public static final String LABEL_KEY_PATTERN =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** A label value: empty, or up to 63 characters starting and ending with a letter or digit. */
  public static final String LABEL_VALUE_PATTERN = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  public static final int MAX_LABEL_VALUE_LENGTH = 63;

  /**
   * Labels are declared because the operator copies them onto every worker pod: a key or value the
   * API server would refuse on a pod is refused here, when the user applies the deployment, instead
   * of failing each pod creation later. The rest of the metadata passes through as written.
   */
  public static final class MetadataSchema {
    /**
     * Bounded so that the API server's CEL cost estimate for the key rules stays within budget. The
     * values' length and form are set on the map's values by {@code CrdGeneration}: the generator
     * has no annotation for them.
     */
    @Size(max = 256)
    @ValidationRule(
        value =
            "self.all(k, k.matches('"
                + LABEL_KEY_PATTERN
                + "') && (!k.contains('/') || k.matches('^[^/]{1,253}/')))",
        message =
            "template.metadata.labels keys must be a name of at most 63 letters, digits, '-', '_'"
                + " or '.' starting and ending with a letter or digit, optionally after a DNS"
                + " subdomain prefix and '/'")
    @ValidationRule(
        value = "self.all(k, !k.startsWith('" + AgentDeploymentLabels.RESERVED_PREFIX + "'))",
        message =
            "template.metadata.labels must not use the "
                + AgentDeploymentLabels.RESERVED_PREFIX
                + " prefix: the operator sets those labels on the worker pods")
    public Map<String, String> labels;

    private MetadataSchema() {}
  }

  @PreserveUnknownFields
  public static final class ContainerSchema {
    @Required
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String name;

    @Required
    @Size(min = 1)
    public String image;

    private ContainerSchema() {}
  }
}
