package io.agentfleet.devserver.agent;

import java.security.SecureRandom;

/** LiveKit-style ids: a type prefix and 12 base-57 characters, like {@code utils/guid}. */
public final class Ids {
  private static final String ALPHABET =
      "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String next(String prefix) {
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
