package io.agentfleet.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

  /** YAML without the leading document marker, as kubectl prints a single object. */
  public static String yaml(Object value) {
    String yaml = SERIALIZATION.asYaml(value);
    return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
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
