package io.agentfleet.api.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an object against a CRD version's {@code openAPIV3Schema} and its {@code
 * x-kubernetes-validations} CEL rules, the way the API server does on create and update. The
 * Fabric8 mock server evaluates neither, so tests and the sandbox's API use this.
 *
 * <p>Follows the API server where it matters to a user: unknown fields are rejected except under
 * {@code x-kubernetes-preserve-unknown-fields} (kubectl's default strict field validation), CEL
 * rules see the value at their node as {@code self}, and every message starts with the path of the
 * field it is about.
 */
public final class CrdSchemaValidator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = "x-kubernetes-validations";
  private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";

  private final Map<String, Object> openApiSchema;
  private final Schema jsonSchema;
  private final CelCompiler cel =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private final CelRuntime celRuntime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private CrdSchemaValidator(Map<String, Object> openApiSchema) {
    this.openApiSchema = openApiSchema;
    Map<String, Object> strict = strictJsonSchema(openApiSchema);
    allowObjectMetaAtRoot(strict);
    try {
      this.jsonSchema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
              .getSchema(JSON.writeValueAsString(strict), InputFormat.JSON);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The validator for one served version of a CRD given as YAML. */
  @SuppressWarnings("unchecked")
  public static CrdSchemaValidator forCrd(String crdYaml, String version) {
    CustomResourceDefinition crd = Serialization.unmarshal(crdYaml, CustomResourceDefinition.class);
    CustomResourceDefinitionVersion served =
        crd.getSpec().getVersions().stream()
            .filter(v -> v.getName().equals(version))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("CRD has no version " + version));
    Map<String, Object> schema =
        JSON.convertValue(served.getSchema().getOpenAPIV3Schema(), Map.class);
    return new CrdSchemaValidator(schema);
  }

  /**
   * Every problem with the object, each as {@code <field path>: <what is wrong>}; empty when the
   * API server would accept it.
   */
  @SuppressWarnings("unchecked")
  public List<String> validate(Object object) {
    Map<String, Object> tree = JSON.convertValue(object, Map.class);
    List<String> problems = new ArrayList<>();
    String json;
    try {
      json = JSON.writeValueAsString(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    for (Error error : jsonSchema.validate(json, InputFormat.JSON)) {
      problems.add(describe(error));
    }
    evaluateRules(openApiSchema, tree, "", problems);
    return problems;
  }

  private static String describe(Error error) {
    String path = fieldPath(error.getInstanceLocation().toString());
    if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
      String field = path.isEmpty() ? error.getProperty() : path + "." + error.getProperty();
      return field + ": Required value";
    }
    if ("additionalProperties".equals(error.getKeyword()) && error.getProperty() != null) {
      String field = path.isEmpty() ? error.getProperty() : path + "." + error.getProperty();
      return field + ": unknown field \"" + error.getProperty() + "\"";
    }
    return path + ": Invalid value: " + error.getInstanceNode() + ": " + error.getMessage();
  }

  /** "/spec/template/spec/containers/0/name" -> "spec.template.spec.containers[0].name". */
  private static String fieldPath(String pointer) {
    StringBuilder path = new StringBuilder();
    for (String segment : pointer.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.chars().allMatch(Character::isDigit)) {
        path.append('[').append(segment).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".")
            .append(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return path.toString();
  }

  @SuppressWarnings("unchecked")
  private void evaluateRules(
      Map<String, Object> schema, Object value, String path, List<String> problems) {
    if (value == null || schema == null) {
      return;
    }
    for (Map<String, Object> rule :
        (List<Map<String, Object>>) schema.getOrDefault(RULES, List.of())) {
      String expression = (String) rule.get("rule");
      Object verdict = evaluate(expression, value);
      if (!Boolean.TRUE.equals(verdict)) {
        String message =
            rule.get("message") != null
                ? (String) rule.get("message")
                : "failed rule: " + expression;
        String field = path.isEmpty() ? "<root>" : path;
        problems.add(
            verdict instanceof String error
                ? field + ": Invalid value: " + error
                : field + ": Invalid value: " + abbreviate(value) + ": " + message);
      }
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> properties =
          (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object child = properties.get(key);
        if (child == null && additional instanceof Map<?, ?>) {
          child = additional;
        }
        if (child instanceof Map<?, ?> childSchema) {
          evaluateRules(
              (Map<String, Object>) childSchema,
              entry.getValue(),
              path.isEmpty() ? key : path + "." + key,
              problems);
        }
      }
    } else if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      for (int i = 0; i < list.size(); i++) {
        evaluateRules((Map<String, Object>) items, list.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  /** TRUE, FALSE, or a String describing why the rule could not be evaluated. */
  private Object evaluate(String expression, Object self) {
    try {
      CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
      return celRuntime.createProgram(ast).eval(Map.of("self", celValue(self)));
    } catch (CelValidationException e) {
      throw new IllegalStateException("CEL rule does not compile: " + expression, e);
    } catch (CelEvaluationException e) {
      // The API server reports a rule that cannot run on the value as an invalid value too;
      // the schema check has already named the wrong type.
      return "rule " + expression + " could not be evaluated: " + e.getMessage();
    }
  }

  /** CEL integers are 64-bit and its maps and lists are plain Java collections. */
  private static Object celValue(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, celValue(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CrdSchemaValidator::celValue).toList();
    }
    return value;
  }

  private static String abbreviate(Object value) {
    String text = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  /** Objects with declared properties and no preserve flag reject unknown fields. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> strictJsonSchema(Map<String, Object> schema) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : schema.entrySet()) {
      String key = entry.getKey();
      Object value = entry.getValue();
      if (key.startsWith("x-kubernetes-")) {
        continue;
      }
      if (key.equals("properties") && value instanceof Map<?, ?> props) {
        Map<String, Object> converted = new LinkedHashMap<>();
        ((Map<String, Object>) props)
            .forEach(
                (name, child) ->
                    converted.put(name, strictJsonSchema((Map<String, Object>) child)));
        copy.put(key, converted);
      } else if ((key.equals("items") || key.equals("additionalProperties"))
          && value instanceof Map<?, ?> child) {
        copy.put(key, strictJsonSchema((Map<String, Object>) child));
      } else {
        copy.put(key, value);
      }
    }
    if (schema.containsKey("properties")
        && !Boolean.TRUE.equals(schema.get(PRESERVE))
        && !schema.containsKey("additionalProperties")) {
      copy.put("additionalProperties", false);
    }
    return copy;
  }

  /** The API server checks apiVersion, kind and metadata itself; the CRD schema omits them. */
  @SuppressWarnings("unchecked")
  private static void allowObjectMetaAtRoot(Map<String, Object> root) {
    Map<String, Object> properties =
        (Map<String, Object>) root.computeIfAbsent("properties", k -> new LinkedHashMap<>());
    properties.putIfAbsent("apiVersion", Map.of("type", "string"));
    properties.putIfAbsent("kind", Map.of("type", "string"));
    properties.putIfAbsent("metadata", Map.of("type", "object"));
  }
}
