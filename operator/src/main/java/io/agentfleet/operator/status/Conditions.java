package io.agentfleet.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Condition bookkeeping: lastTransitionTime moves only when status, reason or message change. */
public final class Conditions {

  private Conditions() {}

  public static Condition of(
      String type, String status, String reason, String message, Long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .build();
  }

  /** The wanted conditions, keeping each one's previous transition time when nothing moved. */
  public static List<Condition> merge(
      List<Condition> previous, List<Condition> wanted, Instant now) {
    List<Condition> merged = new ArrayList<>();
    for (Condition next : wanted) {
      Condition before = find(previous, next.getType());
      boolean same =
          before != null
              && Objects.equals(before.getStatus(), next.getStatus())
              && Objects.equals(before.getReason(), next.getReason())
              && Objects.equals(before.getMessage(), next.getMessage());
      Condition copy = new ConditionBuilder(next).build();
      copy.setLastTransitionTime(same ? before.getLastTransitionTime() : now.toString());
      merged.add(copy);
    }
    return merged;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
