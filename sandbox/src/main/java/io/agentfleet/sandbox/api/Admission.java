package io.agentfleet.sandbox.api;

import io.agentfleet.api.validation.CrdSchemaValidator;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates custom resources on create and update against their CRD's OpenAPI schema and CEL rules,
 * as an API server does, and words a refusal as the server's {@code 422 Invalid} Status.
 */
public final class Admission {

  private final Map<String, CrdSchemaValidator> validators = new HashMap<>();

  public Admission(List<CustomResourceDefinition> crds) {
    for (CustomResourceDefinition crd : crds) {
      String yaml = Serialization.asYaml(crd);
      for (var version : crd.getSpec().getVersions()) {
        if (Boolean.TRUE.equals(version.getServed()) && version.getSchema() != null) {
          validators.put(
              key(
                  crd.getSpec().getGroup(),
                  version.getName(),
                  crd.getSpec().getNames().getPlural()),
              CrdSchemaValidator.forCrd(yaml, version.getName()));
        }
      }
    }
  }

  public boolean validates(ServedResource resource) {
    return validators.containsKey(key(resource.group(), resource.version(), resource.plural()));
  }

  /** Empty when the object may be stored, else the 422 Status to answer with. */
  public Optional<Status> check(ServedResource resource, String name, Object object) {
    CrdSchemaValidator validator =
        validators.get(key(resource.group(), resource.version(), resource.plural()));
    if (validator == null) {
      return Optional.empty();
    }
    List<String> problems = validator.validate(withoutStatus(resource, object));
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(invalid(resource, name, problems));
  }

  /**
   * With a status subresource, writes to the object itself leave status alone (the server keeps the
   * stored one), so status is not what a user is told about.
   */
  @SuppressWarnings("unchecked")
  private static Object withoutStatus(ServedResource resource, Object object) {
    if (resource.subresources().contains("status") && object instanceof Map<?, ?> map) {
      Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) map);
      copy.remove("status");
      return copy;
    }
    return object;
  }

  /** The API server's wording: {@code Kind.group "name" is invalid: [field: message, ...]}. */
  static Status invalid(ServedResource resource, String name, List<String> problems) {
    List<StatusCause> causes = problems.stream().map(Admission::cause).toList();
    String joined =
        problems.size() == 1 ? problems.get(0) : "[" + String.join(", ", problems) + "]";
    String qualifiedKind =
        resource.group().isEmpty() ? resource.kind() : resource.kind() + "." + resource.group();
    return new StatusBuilder()
        .withStatus("Failure")
        .withReason("Invalid")
        .withCode(422)
        .withMessage(qualifiedKind + " \"" + name + "\" is invalid: " + joined)
        .withNewDetails()
        .withName(name)
        .withGroup(resource.group())
        .withKind(resource.kind())
        .withCauses(causes)
        .endDetails()
        .build();
  }

  /** "spec.replicas: Invalid value: -1: ..." becomes field spec.replicas and the rest. */
  static StatusCause cause(String problem) {
    int colon = problem.indexOf(": ");
    String field = colon < 0 ? "" : problem.substring(0, colon);
    String message = colon < 0 ? problem : problem.substring(colon + 2);
    String reason =
        message.startsWith("Required value")
            ? "FieldValueRequired"
            : message.startsWith("unknown field") ? "FieldValueNotSupported" : "FieldValueInvalid";
    return new StatusCauseBuilder()
        .withField(field)
        .withMessage(message)
        .withReason(reason)
        .build();
  }

  private static String key(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }
}
