package io.agentfleet.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentfleet.api.v1alpha1.CrdGeneration;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML file under deploy/ and crds/ (samples included) is accepted by a real kube-apiserver
 * through {@code kubectl apply --dry-run=server}, with kubectl's strict field validation, after the
 * CRD itself has really been applied: a misspelt field, a wrong type or a refused value fails here
 * and not in a user's cluster. The pod template of every AgentDeployment is also checked as a core
 * PodTemplate, because the CRD keeps a template's undeclared fields without judging them.
 */
class ManifestsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static CrdCluster cluster;

  @BeforeAll
  static void startApiServer() throws IOException {
    cluster = CrdCluster.start(ManifestsTest.class);
    // A dry run creates nothing, so the namespace the manifests' objects go to has to exist
    // before they are checked; deploy/namespace.yaml itself is then checked against it.
    for (String namespace : namespacesUsed()) {
      cluster.kubectl("create", "namespace", namespace, "--save-config").orFail();
    }
  }

  @AfterAll
  static void stopApiServer() {
    if (cluster != null) {
      cluster.close();
    }
  }

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
              // kustomization.yaml lists manifests; kubectl kustomize checks it (install/)
              boolean kustomization = f.getFileName().toString().equals("kustomization.yaml");
              if (!kustomization
                  && (f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))) {
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
            "deploy/namespace.yaml",
            "deploy/rbac.yaml",
            "deploy/operator.yaml",
            "deploy/samples/python-voice-agent.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void theApiServerAcceptsEveryObject(Path file) throws IOException {
    List<Map<String, Object>> objects = documents(file);
    assertThat(objects).as(file + " has no objects").isNotEmpty();

    CrdCluster.Run run = cluster.kubectl("apply", "--dry-run=server", "-f", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).as("warnings from the API server").isEmpty();
    assertThat(run.out().lines().filter(line -> line.endsWith("(server dry run)")))
        .as(run.out())
        .hasSize(objects.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void everyAgentDeploymentTemplateIsAValidPodTemplate(Path file) throws IOException {
    for (Map<String, Object> object : documents(file)) {
      if (!"AgentDeployment".equals(object.get("kind"))) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) object.get("spec");
      Map<String, Object> podTemplate = new LinkedHashMap<>();
      podTemplate.put("apiVersion", "v1");
      podTemplate.put("kind", "PodTemplate");
      podTemplate.put(
          "metadata",
          Map.of(
              "name",
              metadata.get("name"),
              "namespace",
              Objects.requireNonNullElse(metadata.get("namespace"), "default")));
      podTemplate.put("template", spec.get("template"));
      Path asPodTemplate =
          cluster.write(
              file.getFileName() + "-" + metadata.get("name") + "-template.yaml",
              YAML.writeValueAsString(podTemplate));

      CrdCluster.Run run =
          cluster.kubectl("apply", "--dry-run=server", "-f", asPodTemplate.toString());

      assertThat(run.exit()).as(file + " " + metadata.get("name") + ": " + run.err()).isZero();
      assertThat(run.err()).as("warnings from the API server").isEmpty();
    }
  }

  @Test
  void aBrokenManifestIsRefused() throws IOException {
    // The same path as above with a misspelt field: proves the check can fail.
    Path sample = repoRoot().resolve("deploy/samples/python-voice-agent.yaml");
    String broken = Files.readString(sample).replace("  replicas: 2", "  replica: 2");
    assertThat(broken).isNotEqualTo(Files.readString(sample));

    CrdCluster.Run run =
        cluster.kubectl(
            "apply",
            "--dry-run=server",
            "-f",
            cluster.write("broken-sample.yaml", broken).toString());

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("unknown field \"spec.replica\"");
  }

  static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (var parser = YAML.createParser(file.toFile())) {
      var values = YAML.readValues(parser, Map.class);
      while (values.hasNext()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = values.next();
        if (object != null && !object.isEmpty()) {
          objects.add(object);
        }
      }
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  static Set<String> namespacesUsed() throws IOException {
    Set<String> namespaces = new TreeSet<>();
    for (Path file : manifests().toList()) {
      for (Map<String, Object> object : documents(file)) {
        Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
        Object namespace = metadata == null ? null : metadata.get("namespace");
        if (namespace instanceof String name && !name.equals("default")) {
          namespaces.add(name);
        }
      }
    }
    return namespaces;
  }
}
