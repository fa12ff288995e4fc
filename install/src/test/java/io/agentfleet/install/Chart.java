package io.agentfleet.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart in helm/agentfleet, linted and rendered by Helm's own engine (helm-java). */
final class Chart {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Chart() {}

  static Path repo() {
    return Path.of(System.getProperty("agentfleet.repo", "..")).toAbsolutePath().normalize();
  }

  static Path dir() {
    return repo().resolve("helm/agentfleet");
  }

  /** What {@code helm template <release> helm/agentfleet -n <namespace> --set ...} prints. */
  static String template(String release, String namespace, Map<String, Object> set) {
    TemplateCommand command = new Helm(dir()).template().withName(release).withNamespace(namespace);
    set.forEach(command::set);
    return command.call();
  }

  /** The default rendering, as deploy/ has it: release "agentfleet" in agentfleet-system. */
  static String defaultTemplate() {
    return template("agentfleet", "agentfleet-system", Map.of());
  }

  /** Every non-empty YAML document of a multi-document text, as maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (var parser = YAML.createParser(yaml)) {
      var values = YAML.readValues(parser, Map.class);
      while (values.hasNext()) {
        Map<String, Object> object = values.next();
        if (object != null && !object.isEmpty()) {
          objects.add(new LinkedHashMap<>(object));
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rendered documents grouped by the template they came from ({@code # Source:} lines). */
  static Map<String, String> bySource(String rendered) {
    Map<String, StringBuilder> sources = new LinkedHashMap<>();
    String current = null;
    for (String document : rendered.split("(?m)^---\\s*$")) {
      String trimmed = document.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      String first = trimmed.lines().findFirst().orElse("");
      if (first.startsWith("# Source: ")) {
        current = first.substring("# Source: agentfleet/".length());
        trimmed = trimmed.lines().skip(1).reduce((a, b) -> a + "\n" + b).orElse("");
      }
      if (current == null) {
        throw new IllegalStateException("a rendered document without a Source line: " + first);
      }
      StringBuilder text = sources.computeIfAbsent(current, k -> new StringBuilder());
      if (!text.isEmpty()) {
        text.append("---\n");
      }
      text.append(trimmed).append('\n');
    }
    Map<String, String> result = new LinkedHashMap<>();
    sources.forEach((k, v) -> result.put(k, v.toString()));
    return result;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) value;
  }
}
