package io.agentfleet.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A container's environment as the kubelet builds it: {@code envFrom}, then {@code env}, with
 * {@code secretKeyRef}, {@code configMapKeyRef} and the common {@code fieldRef}s resolved. A
 * missing non-optional reference fails the container start the way the kubelet does ({@code
 * CreateContainerConfigError}).
 */
final class EnvResolver {

  /** Reads Secrets (values decoded) and ConfigMaps from the API. */
  interface Lookup {
    Optional<Map<String, String>> secret(String namespace, String name);

    Optional<Map<String, String>> configMap(String namespace, String name);
  }

  /** Why the environment could not be built, in the kubelet's words. */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message);
    }
  }

  private EnvResolver() {}

  static Map<String, String> resolve(Pod pod, Container container, String podIp, Lookup lookup)
      throws ConfigError {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        Optional<Map<String, String>> values = Optional.empty();
        boolean optional = false;
        String what = "";
        if (from.getSecretRef() != null) {
          values = lookup.secret(ns, from.getSecretRef().getName());
          optional = Boolean.TRUE.equals(from.getSecretRef().getOptional());
          what = "secret \"" + from.getSecretRef().getName() + "\" not found";
        } else if (from.getConfigMapRef() != null) {
          values = lookup.configMap(ns, from.getConfigMapRef().getName());
          optional = Boolean.TRUE.equals(from.getConfigMapRef().getOptional());
          what = "configmap \"" + from.getConfigMapRef().getName() + "\" not found";
        }
        if (values.isEmpty() && !optional) {
          throw new ConfigError(what);
        }
        values.ifPresent(v -> v.forEach((k, val) -> env.put(prefix + k, val)));
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        Optional<String> value = value(pod, var, podIp, lookup);
        value.ifPresent(v -> env.put(var.getName(), expandDependent(v, env)));
      }
    }
    return env;
  }

  private static Optional<String> value(Pod pod, EnvVar var, String podIp, Lookup lookup)
      throws ConfigError {
    if (var.getValueFrom() == null) {
      return Optional.of(var.getValue() == null ? "" : var.getValue());
    }
    String ns = pod.getMetadata().getNamespace();
    SecretKeySelector secretRef = var.getValueFrom().getSecretKeyRef();
    if (secretRef != null) {
      return key(
          lookup.secret(ns, secretRef.getName()),
          secretRef.getKey(),
          Boolean.TRUE.equals(secretRef.getOptional()),
          "secret",
          secretRef.getName());
    }
    ConfigMapKeySelector configRef = var.getValueFrom().getConfigMapKeyRef();
    if (configRef != null) {
      return key(
          lookup.configMap(ns, configRef.getName()),
          configRef.getKey(),
          Boolean.TRUE.equals(configRef.getOptional()),
          "configmap",
          configRef.getName());
    }
    if (var.getValueFrom().getFieldRef() != null) {
      String path = var.getValueFrom().getFieldRef().getFieldPath();
      return Optional.of(
          switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> ns;
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "status.podIP", "status.hostIP" -> podIp;
            case "spec.nodeName" -> String.valueOf(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> String.valueOf(pod.getSpec().getServiceAccountName());
            default -> "";
          });
    }
    // resourceFieldRef: the sandbox sets no limits, so there is nothing true to give.
    return Optional.of("");
  }

  private static Optional<String> key(
      Optional<Map<String, String>> source, String key, boolean optional, String kind, String name)
      throws ConfigError {
    if (source.isEmpty()) {
      if (optional) {
        return Optional.empty();
      }
      throw new ConfigError(kind + " \"" + name + "\" not found");
    }
    String value = source.get().get(key);
    if (value == null && !optional) {
      throw new ConfigError("couldn't find key " + key + " in " + kind + " " + name);
    }
    return Optional.ofNullable(value);
  }

  /** {@code $(VAR)} refers to a variable defined earlier, as in a real pod. */
  private static String expandDependent(String value, Map<String, String> earlier) {
    String out = value;
    for (Map.Entry<String, String> e : earlier.entrySet()) {
      out = out.replace("$(" + e.getKey() + ")", e.getValue());
    }
    return out;
  }

  static Map<String, String> decodeSecret(
      Map<String, String> data, Map<String, String> stringData) {
    Map<String, String> values = new LinkedHashMap<>();
    if (data != null) {
      data.forEach(
          (k, v) ->
              values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (stringData != null) {
      values.putAll(stringData);
    }
    return values;
  }
}
