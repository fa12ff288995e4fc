package io.agentfleet.sandbox.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * A resource URL split into its parts: {@code /apis/<group>/<version>/namespaces/<ns>/<plural>/
 * <name>/<subresource>} or the core {@code /api/v1/...}. Query strings are dropped.
 */
public record ApiPath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource) {

  public static Optional<ApiPath> parse(String rawPath) {
    String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
    String[] segments =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    String group;
    int rest;
    if (segments.length >= 3 && segments[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (segments.length >= 4 && segments[0].equals("apis")) {
      group = segments[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    String version = segments[rest - 1];
    String namespace = null;
    if (segments.length - rest >= 3 && segments[rest].equals("namespaces")) {
      namespace = segments[rest + 1];
      rest += 2;
    }
    int left = segments.length - rest;
    if (left < 1 || left > 3) {
      return Optional.empty();
    }
    return Optional.of(
        new ApiPath(
            group,
            version,
            namespace,
            segments[rest],
            left >= 2 ? segments[rest + 1] : null,
            left == 3 ? segments[rest + 2] : null));
  }

  /** The object's own URL, without the subresource. */
  public String objectPath() {
    StringBuilder b = new StringBuilder(group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    b.append(version);
    if (namespace != null) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(plural);
    if (name != null) {
      b.append('/').append(name);
    }
    return b.toString();
  }
}
