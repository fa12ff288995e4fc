package io.agentfleet.sandbox.api;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents {@code kubectl} reads before anything else ({@code /api}, {@code /apis}
 * and one resource list per group version). The Fabric8 mock server has none; without them kubectl
 * cannot map {@code agd} or {@code pods} to a URL.
 */
public final class Discovery {

  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** The built-in kinds the operator, the kubelet and a user of the sandbox touch. */
  static final List<ServedResource> BUILT_IN =
      List.of(
          ServedResource.core("pods", "Pod", true, "po").withSubresources("status", "log"),
          ServedResource.core("secrets", "Secret", true),
          ServedResource.core("configmaps", "ConfigMap", true, "cm"),
          ServedResource.core("events", "Event", true, "ev"),
          ServedResource.core("namespaces", "Namespace", false, "ns"),
          ServedResource.core("services", "Service", true, "svc"),
          ServedResource.core("serviceaccounts", "ServiceAccount", true, "sa"),
          ServedResource.of("apps", "v1", "controllerrevisions", "ControllerRevision", true),
          ServedResource.of("coordination.k8s.io", "v1", "leases", "Lease", true),
          ServedResource.of("events.k8s.io", "v1", "events", "Event", true, "ev"),
          ServedResource.of(
              "authorization.k8s.io",
              "v1",
              "selfsubjectrulesreviews",
              "SelfSubjectRulesReview",
              false),
          ServedResource.of(
              "authorization.k8s.io",
              "v1",
              "selfsubjectaccessreviews",
              "SelfSubjectAccessReview",
              false),
          ServedResource.of(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "crd",
              "crds"));

  private final List<ServedResource> resources;
  private final Map<String, List<Tables.Column>> columns;

  private Discovery(List<ServedResource> resources, Map<String, List<Tables.Column>> columns) {
    this.resources = List.copyOf(resources);
    this.columns = Map.copyOf(columns);
  }

  /** Built-in kinds plus every served version of the given CRDs. */
  public static Discovery of(List<CustomResourceDefinition> crds) {
    List<ServedResource> all = new ArrayList<>(BUILT_IN);
    Map<String, List<Tables.Column>> columns = new LinkedHashMap<>();
    columns.put("/v1/pods", Tables.POD_COLUMNS);
    columns.put("/v1/events", Tables.EVENT_COLUMNS);
    for (CustomResourceDefinition crd : crds) {
      all.addAll(fromCrd(crd));
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (v.getAdditionalPrinterColumns() != null && !v.getAdditionalPrinterColumns().isEmpty()) {
          columns.put(
              crd.getSpec().getGroup()
                  + "/"
                  + v.getName()
                  + "/"
                  + crd.getSpec().getNames().getPlural(),
              Tables.fromCrd(v.getAdditionalPrinterColumns()));
        }
      }
    }
    return new Discovery(all, columns);
  }

  /** The columns {@code kubectl get} shows for a resource. */
  List<Tables.Column> columns(ServedResource r) {
    return columns.getOrDefault(
        r.group() + "/" + r.version() + "/" + r.plural(), Tables.DEFAULT_COLUMNS);
  }

  static List<ServedResource> fromCrd(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    var names = spec.getNames();
    List<ServedResource> served = new ArrayList<>();
    for (CustomResourceDefinitionVersion version : spec.getVersions()) {
      if (!Boolean.TRUE.equals(version.getServed())) {
        continue;
      }
      List<String> subresources = new ArrayList<>();
      ServedResource.ScalePaths scale = null;
      if (version.getSubresources() != null) {
        if (version.getSubresources().getStatus() != null) {
          subresources.add("status");
        }
        CustomResourceSubresourceScale s = version.getSubresources().getScale();
        if (s != null) {
          subresources.add("scale");
          scale =
              new ServedResource.ScalePaths(
                  s.getSpecReplicasPath(), s.getStatusReplicasPath(), s.getLabelSelectorPath());
        }
      }
      served.add(
          new ServedResource(
              spec.getGroup(),
              version.getName(),
              names.getPlural(),
              names.getSingular(),
              names.getKind(),
              "Namespaced".equals(spec.getScope()),
              names.getShortNames() == null ? List.of() : names.getShortNames(),
              subresources,
              scale));
    }
    return served;
  }

  public List<ServedResource> resources() {
    return resources;
  }

  public Optional<ServedResource> find(String group, String version, String plural) {
    return resources.stream()
        .filter(
            r ->
                r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  /** {@code GET /api}. */
  public APIVersions coreVersions() {
    return new APIVersionsBuilder().withVersions("v1").build();
  }

  /** {@code GET /apis}. */
  public APIGroupList groups() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (ServedResource r : resources) {
      if (!r.group().isEmpty()) {
        List<String> versions = versionsByGroup.computeIfAbsent(r.group(), g -> new ArrayList<>());
        if (!versions.contains(r.version())) {
          versions.add(r.version());
        }
      }
    }
    List<APIGroup> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          List<GroupVersionForDiscovery> gvs =
              versions.stream().map(v -> new GroupVersionForDiscovery(group + "/" + v, v)).toList();
          groups.add(
              new APIGroupBuilder()
                  .withName(group)
                  .withVersions(gvs)
                  .withPreferredVersion(gvs.get(0))
                  .build());
        });
    return new APIGroupListBuilder().withGroups(groups).build();
  }

  /** {@code GET /api/v1} or {@code GET /apis/<group>/<version>}; empty when not served. */
  public Optional<APIResourceList> resourceList(String group, String version) {
    List<APIResource> list = new ArrayList<>();
    for (ServedResource r : resources) {
      if (!r.group().equals(group) || !r.version().equals(version)) {
        continue;
      }
      list.add(
          new APIResourceBuilder()
              .withName(r.plural())
              .withSingularName(r.singular())
              .withKind(r.kind())
              .withNamespaced(r.namespaced())
              .withVerbs(ALL_VERBS)
              .withShortNames(r.shortNames().isEmpty() ? null : r.shortNames())
              .build());
      for (String sub : r.subresources()) {
        APIResourceBuilder b =
            new APIResourceBuilder()
                .withName(r.plural() + "/" + sub)
                .withNamespaced(r.namespaced())
                .withSingularName("")
                .withKind(r.kind())
                .withVerbs(List.of("get", "patch", "update"));
        if (sub.equals("scale")) {
          b.withGroup("autoscaling").withVersion("v1").withKind("Scale");
        } else if (sub.equals("log")) {
          b.withVerbs(List.of("get"));
        }
        list.add(b.build());
      }
    }
    if (list.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new APIResourceListBuilder()
            .withGroupVersion(group.isEmpty() ? version : group + "/" + version)
            .withResources(list)
            .build());
  }
}
