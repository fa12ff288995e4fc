package io.agentfleet.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentfleet.api.v1alpha1.AgentDeployment;
import io.agentfleet.api.v1alpha1.CrdGeneration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML document under deploy/ and crds/ is a Kubernetes object of a kind the Fabric8 model
 * knows, with no field the model does not know (a typo would otherwise be dropped silently by the
 * API server's pruning), and every AgentDeployment passes the CRD's schema and CEL rules.
 */
class ManifestsTest {

  static Path repoRoot() {
    return CrdGeneration.committedCrd().getParent().getParent();
  }

  static Stream<Path> manifests() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("deploy", "crds")) {
      Files.walkFileTree(
          repoRoot().resolve(dir),
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              // build output and sources are not manifests
              return Set.of("target", "src", "node_modules").contains(d.getFileName().toString())
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")) {
                files.add(f);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    }
    return files.stream().sorted();
  }

  @Test
  void thereAreManifestsToCheck() throws IOException {
    assertThat(manifests().map(p -> repoRoot().relativize(p).toString()))
        .contains(
            "crds/" + CrdGeneration.FILE_NAME,
            "deploy/rbac.yaml",
            "deploy/operator.yaml",
            "deploy/samples/python-voice-agent.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void everyDocumentIsAValidObjectOfItsKind(Path file) throws IOException {
    String text = Files.readString(file);
    List<HasMetadata> objects = parse(text);
    assertThat(objects).as(file.toString()).isNotEmpty();
    CrdSchemaValidator validator =
        CrdSchemaValidator.forCrd(
            Files.readString(CrdGeneration.committedCrd()), AgentDeployment.VERSION);
    for (HasMetadata object : objects) {
      String where =
          file.getFileName() + " " + object.getKind() + "/" + object.getMetadata().getName();
      assertThat(object).as(where).isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(object.getMetadata().getName()).as(where).isNotBlank();
      List<String> unknown = new ArrayList<>();
      unknownFields(object, object.getKind(), unknown);
      assertThat(unknown).as(where + " has fields its kind does not have").isEmpty();
      if (object instanceof AgentDeployment) {
        assertThat(validator.validate(object)).as(where).isEmpty();
      }
    }
  }

  @SuppressWarnings("unchecked")
  static List<HasMetadata> parse(String yaml) {
    Object parsed = Serialization.unmarshal(yaml);
    if (parsed instanceof List<?> list) {
      return (List<HasMetadata>) list;
    }
    if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) {
      return list.getItems();
    }
    return List.of((HasMetadata) parsed);
  }

  /** Fabric8 models keep fields they do not know in additionalProperties. */
  static void unknownFields(Object node, String path, List<String> found) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "." + k, found));
      return;
    }
    if (!(node instanceof KubernetesResource)
        && !node.getClass().getName().startsWith("io.agentfleet")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
        continue;
      }
      unknownFields(value, path + "." + getter.getName().substring(3), found);
    }
  }
}
