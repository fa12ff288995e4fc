package io.agentfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

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

  /** Labels and annotations pass through as written. */
  public static final class MetadataSchema {
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
