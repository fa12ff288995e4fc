package io.agentfleet.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Locale;
import picocli.CommandLine.TypeConversionException;

/** {@code -o}: the human table, or a document for scripts. */
public enum OutputFormat {
  TABLE,
  JSON,
  YAML;

  // Fabric8's serialization (it knows the model's quirks, e.g. additionalProperties), indented as
  // kubectl indents its JSON.
  private static final KubernetesSerialization SERIALIZATION =
      new KubernetesSerialization(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT), true);

  /** Renders a value (a Kubernetes object, a record, a map) as JSON or YAML, newline-terminated. */
  public String document(Object value) {
    return switch (this) {
      case JSON -> SERIALIZATION.asJson(value) + "\n";
      case YAML -> yaml(value);
      case TABLE -> throw new IllegalStateException("a table is not a document");
    };
  }

  // kubectl's YAML: no document marker, strings unquoted unless they would read as something else.
  private static final YAMLMapper YAML_WRITER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /** YAML as kubectl prints it; the value goes through Fabric8's model serialization first. */
  public static String yaml(Object value) {
    try {
      return YAML_WRITER.writeValueAsString(SERIALIZATION.convertValue(value, JsonNode.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render YAML", e);
    }
  }

  public static KubernetesSerialization serialization() {
    return SERIALIZATION;
  }

  /** picocli converter: {@code json} or {@code yaml}; the table is the default and has no name. */
  public static OutputFormat parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "yaml" -> YAML;
      default ->
          throw new TypeConversionException(
              "unable to match a printer suitable for the output format \""
                  + value
                  + "\", allowed formats are: json,yaml");
    };
  }
}
