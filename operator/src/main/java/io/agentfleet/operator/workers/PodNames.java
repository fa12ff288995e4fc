package io.agentfleet.operator.workers;

import java.util.random.RandomGenerator;

/**
 * Worker pod names: {@code <deployment>-<revision hash>-<5 random>}, cut to fit a DNS label so the
 * name also works as a hostname.
 */
public final class PodNames {

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int MAX = 63;

  private PodNames() {}

  public static String next(String deployment, String revisionHash, RandomGenerator random) {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    String tail = "-" + revisionHash + "-" + suffix;
    String head =
        deployment.length() > MAX - tail.length()
            ? deployment.substring(0, MAX - tail.length())
            : deployment;
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + tail;
  }

  /** ControllerRevision names are not hostnames; they only need to stay under 253. */
  public static String revision(String deployment, String revisionHash) {
    return deployment + "-" + revisionHash;
  }
}
