package io.agentfleet.operator.revision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Names a pod template by its content: the same template always gives the same ten characters,
 * whatever the order of its map keys. Uses the Kubernetes "safe" alphabet (no vowels, no 0/1/3) so
 * a hash never spells a word and fits in a label value.
 */
public final class TemplateHash {

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int LENGTH = 10;
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private TemplateHash() {}

  public static String of(PodTemplateSpec template) {
    byte[] digest = sha256(canonicalJson(template));
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (digest[i] & 0xff);
    }
    StringBuilder out = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      out.append(ALPHABET.charAt((int) Long.remainderUnsigned(value, ALPHABET.length())));
      value = Long.divideUnsigned(value, ALPHABET.length());
    }
    return out.toString();
  }

  static String canonicalJson(PodTemplateSpec template) {
    try {
      Map<?, ?> tree = CANONICAL.readValue(Serialization.asJson(template), Map.class);
      return CANONICAL.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("pod template does not serialize", e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
