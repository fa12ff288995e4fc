package io.agentfleet.sandbox.api;

import java.util.List;

/**
 * One resource the sandbox API serves, as discovery describes it.
 *
 * @param group empty for the core group
 * @param plural the URL segment, e.g. {@code agentdeployments}
 * @param scale the scale subresource's replica paths, or null when there is none
 */
public record ServedResource(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> subresources,
    ScalePaths scale) {

  /** JSON paths of the scale subresource, e.g. {@code .spec.replicas}. */
  public record ScalePaths(String specReplicas, String statusReplicas, String labelSelector) {}

  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  static ServedResource core(String plural, String kind, boolean namespaced, String... shortNames) {
    return new ServedResource(
        "",
        "v1",
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        kind,
        namespaced,
        List.of(shortNames),
        List.of(),
        null);
  }

  static ServedResource of(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      String... shortNames) {
    return new ServedResource(
        group,
        version,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        kind,
        namespaced,
        List.of(shortNames),
        List.of(),
        null);
  }

  ServedResource withSubresources(String... names) {
    return new ServedResource(
        group, version, plural, singular, kind, namespaced, shortNames, List.of(names), scale);
  }
}
