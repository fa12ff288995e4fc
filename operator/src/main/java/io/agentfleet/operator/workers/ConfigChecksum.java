package io.agentfleet.operator.workers;

import io.agentfleet.api.v1alpha1.AgentDeploymentSpec;
import io.agentfleet.operator.configdata.ConfigData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A checksum of the configuration the workers read at start: the credentials Secret and every
 * Secret and ConfigMap the template's env and envFrom name. It goes into the effective template, so
 * rotating a key makes a new revision that rolls out with drain, instead of pods restarting with
 * calls on them or running with a stale key.
 */
public final class ConfigChecksum {

  /** What the pods read, by kind and name. */
  public record Refs(TreeSet<String> secrets, TreeSet<String> configMaps) {

    /** Whether the pods read this Secret or ConfigMap (same namespace assumed). */
    public boolean include(HasMetadata object) {
      String name = object.getMetadata().getName();
      return object instanceof Secret
          ? secrets.contains(name)
          : object instanceof ConfigMap && configMaps.contains(name);
    }
  }

  private final ConfigData config;

  public ConfigChecksum(ConfigData config) {
    this.config = config;
  }

  public String of(String namespace, AgentDeploymentSpec spec) {
    Refs refs = refs(spec);
    Map<String, Map<String, String>> content = new TreeMap<>();
    for (String name : refs.secrets()) {
      content.put(
          "secret/" + name,
          config
              .secrets()
              .get(namespace, name)
              .map(ConfigChecksum::sealed)
              .orElse(Map.of("<missing>", "")));
    }
    for (String name : refs.configMaps()) {
      content.put(
          "configmap/" + name,
          config
              .configMaps()
              .get(namespace, name)
              .map(c -> merged(c.getData(), c.getBinaryData()))
              .orElse(Map.of("<missing>", "")));
    }
    return digest(content);
  }

  public static Refs refs(AgentDeploymentSpec spec) {
    TreeSet<String> secrets = new TreeSet<>();
    TreeSet<String> configMaps = new TreeSet<>();
    if (spec.getLivekit() != null && spec.getLivekit().getCredentialsSecret() != null) {
      secrets.add(spec.getLivekit().getCredentialsSecret());
    }
    List<Container> containers = new ArrayList<>();
    if (spec.getTemplate() != null && spec.getTemplate().getSpec() != null) {
      containers.addAll(spec.getTemplate().getSpec().getContainers());
      if (spec.getTemplate().getSpec().getInitContainers() != null) {
        containers.addAll(spec.getTemplate().getSpec().getInitContainers());
      }
    }
    for (Container c : containers) {
      for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          secrets.add(e.getValueFrom().getSecretKeyRef().getName());
        }
        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
          configMaps.add(e.getValueFrom().getConfigMapKeyRef().getName());
        }
      }
      for (EnvFromSource f : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
        if (f.getSecretRef() != null) {
          secrets.add(f.getSecretRef().getName());
        }
        if (f.getConfigMapRef() != null) {
          configMaps.add(f.getConfigMapRef().getName());
        }
      }
    }
    return new Refs(secrets, configMaps);
  }

  /** Sixteen hex characters of SHA-256 over the sorted content. */
  static String digest(Map<String, Map<String, String>> content) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical(content).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A Secret enters the checksum only as an HMAC of its data keyed by the Secret's uid. The
   * checksum sits on every pod, where anyone who may read pods sees it; a plain hash of the values
   * would let them confirm a guessed key offline. The uid is 122 random bits that only those who
   * may read the Secret (and so its values anyway) see. It still follows what the pods read: a
   * rotation changes the data, so the HMAC; deleting and recreating the Secret changes the uid, so
   * it rolls out too even with the same values. A per-operator key would need a Secret of its own
   * and RBAC to create it; the resourceVersion alone would roll the fleet out on a mere label
   * change of the Secret.
   */
  static Map<String, String> sealed(Secret secret) {
    String uid = secret.getMetadata().getUid();
    // API servers always set a uid; without one, the name at least keeps distinct Secrets apart.
    String key = uid == null || uid.isEmpty() ? "name:" + secret.getMetadata().getName() : uid;
    return Map.of(
        "hmac",
        hmac(key, canonical(Map.of("data", merged(secret.getData(), secret.getStringData())))));
  }

  private static String hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  private static String canonical(Map<String, Map<String, String>> content) {
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(content)
        .forEach(
            (object, data) -> {
              canonical.append(object).append('\n');
              new TreeMap<>(data)
                  .forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
            });
    return canonical.toString();
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new TreeMap<>();
    if (a != null) {
      all.putAll(a);
    }
    if (b != null) {
      all.putAll(b);
    }
    return all;
  }
}
