package io.agentfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Runs the Fabric8 CRD generator over the model exactly as the committed CRD was produced. */
public final class CrdGeneration {

  public static final String FILE_NAME = "agentdeployments.agentfleet.io-v1.yml";

  private CrdGeneration() {}

  /** The committed CRD, found from the working directory of any module's test run. */
  public static Path committedCrd() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("crds").resolve(FILE_NAME);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      if (Files.isRegularFile(dir.resolve(FILE_NAME)) && dir.endsWith("crds")) {
        return dir.resolve(FILE_NAME);
      }
    }
    throw new IllegalStateException("cannot find crds/" + FILE_NAME + " above the working dir");
  }

  /** The generator sorts printer columns by name; kubectl shows them in the order declared. */
  private static HasMetadata printerColumnsAsDeclared(HasMetadata crd) {
    List<String> declared =
        Arrays.stream(AgentDeployment.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion v :
        ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      v.getAdditionalPrinterColumns()
          .sort(Comparator.comparingInt(column -> declared.indexOf(column.getName())));
    }
    return crd;
  }

  /**
   * Label values are limited to 63 characters of a given form. The generator has no annotation for
   * the values of a map, and a rule over the whole map would cost the API server's CEL estimate far
   * too much for values of unbounded length, so the constraints go on the values' schema here.
   */
  private static HasMetadata labelValuesChecked(HasMetadata crd) {
    for (CustomResourceDefinitionVersion v :
        ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      JSONSchemaProps labels =
          v.getSchema()
              .getOpenAPIV3Schema()
              .getProperties()
              .get("spec")
              .getProperties()
              .get("template")
              .getProperties()
              .get("metadata")
              .getProperties()
              .get("labels");
      JSONSchemaProps value = labels.getAdditionalProperties().getSchema();
      value.setMaxLength((long) WorkerPodTemplateSchema.MAX_LABEL_VALUE_LENGTH);
      value.setXKubernetesValidations(
          List.of(
              new ValidationRuleBuilder()
                  .withRule("self.matches('" + WorkerPodTemplateSchema.LABEL_VALUE_PATTERN + "')")
                  .withMessage(
                      "a label value must be empty or start and end with a letter or digit, with"
                          + " only letters, digits, '-', '_' and '.' between")
                  .build()));
    }
    return crd;
  }

  public static String generate() {
    try {
      Path out = Files.createTempDirectory("crd-gen");
      new CRDGenerator()
          .inOutputDir(out.toFile())
          .forCRDVersions("v1")
          .withPostProcessor(
              new CRDPostProcessor() {
                @Override
                public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                  return labelValuesChecked(printerColumnsAsDeclared(crd));
                }
              })
          .customResourceClasses(AgentDeployment.class)
          .generate();
      return Files.readString(out.resolve(FILE_NAME));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
