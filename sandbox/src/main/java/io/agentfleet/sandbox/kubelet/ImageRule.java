package io.agentfleet.sandbox.kubelet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the sandbox runs an image: the process that stands in for the image's entrypoint. There are
 * no images here, so {@code agentfleet/worker:*} becomes {@code java -jar worker.jar}, and a user
 * can map their own (e.g. a Node {@code @livekit/agents} script).
 *
 * <p>In the entrypoint, default args and env values, {@code {port}} is the pod's status port,
 * {@code {pod}} and {@code {namespace}} name the pod, and {@code {env:NAME}} is the value the pod
 * gives NAME; an env entry whose {@code {env:NAME}} is unset is left out.
 *
 * @param image an image name without tag (any tag matches), or a prefix ending in {@code *}
 * @param defaultArgs used when the container has no {@code args}
 */
public record ImageRule(
    String image, List<String> entrypoint, List<String> defaultArgs, Map<String, String> env) {

  private static final Pattern ENV_REF = Pattern.compile("\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  public ImageRule {
    entrypoint = List.copyOf(entrypoint);
    defaultArgs = List.copyOf(defaultArgs);
    env = Map.copyOf(env);
  }

  public boolean matches(String reference) {
    if (image.endsWith("*")) {
      return reference.startsWith(image.substring(0, image.length() - 1));
    }
    String withoutDigest = reference.contains("@") ? reference.split("@")[0] : reference;
    int colon = withoutDigest.lastIndexOf(':');
    String name =
        colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    return name.equals(image);
  }

  /** What to execute for a container: entrypoint + (args, or the default args). */
  public Launch launch(List<String> args, Map<String, String> podEnv, Placeholders where) {
    List<String> command = new ArrayList<>();
    for (String part : entrypoint) {
      command.add(expand(part, podEnv, where).orElse(""));
    }
    for (String arg : args == null || args.isEmpty() ? defaultArgs : args) {
      command.add(expand(arg, podEnv, where).orElse(""));
    }
    Map<String, String> extraEnv = new LinkedHashMap<>();
    env.forEach((k, v) -> expand(v, podEnv, where).ifPresent(value -> extraEnv.put(k, value)));
    return new Launch(command, extraEnv);
  }

  /** The pod-specific values placeholders stand for. */
  public record Placeholders(int port, String pod, String namespace) {}

  /** A command line and the env the rule adds to the pod's. */
  public record Launch(List<String> command, Map<String, String> env) {}

  static Optional<String> expand(String template, Map<String, String> podEnv, Placeholders where) {
    String text =
        template
            .replace("{port}", Integer.toString(where.port()))
            .replace("{pod}", where.pod())
            .replace("{namespace}", where.namespace());
    Matcher m = ENV_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = podEnv.get(m.group(1));
      if (value == null) {
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(out.toString());
  }
}
