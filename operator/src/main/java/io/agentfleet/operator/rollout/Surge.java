package io.agentfleet.operator.rollout;

/** maxSurge: "3" or "25%" of the desired workers, rounded up, at least 1. */
public final class Surge {

  public static final String DEFAULT = "25%";

  private Surge() {}

  public static int resolve(String maxSurge, int desired) {
    String value = maxSurge == null || maxSurge.isBlank() ? DEFAULT : maxSurge.trim();
    int surge;
    if (value.endsWith("%")) {
      int percent = Integer.parseInt(value.substring(0, value.length() - 1));
      surge = (int) Math.ceil(desired * percent / 100.0);
    } else {
      surge = Integer.parseInt(value);
    }
    return Math.max(1, surge);
  }
}
