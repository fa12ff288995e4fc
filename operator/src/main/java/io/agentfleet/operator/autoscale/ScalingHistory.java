package io.agentfleet.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The autoscaler's memory: recent recommendations (for the stabilization windows), recent scale
 * changes (for the per-minute rate limits), the traffic it measured (for a measured warm buffer)
 * and the demand of the last periods (for a learned schedule). Immutable; each decision returns the
 * next one.
 */
public record ScalingHistory(
    List<Recommendation> recommendations,
    List<ScaleChange> changes,
    Traffic traffic,
    DemandProfile profile) {

  public ScalingHistory(List<Recommendation> recommendations, List<ScaleChange> changes) {
    this(recommendations, changes, Traffic.empty(), DemandProfile.none());
  }

  public record Recommendation(Instant at, int replicas) {}

  public record ScaleChange(Instant at, int from, int to) {}

  public static ScalingHistory empty() {
    return new ScalingHistory(List.of(), List.of(), Traffic.empty(), DemandProfile.none());
  }

  /** This memory with a demand profile kept elsewhere (the status), after an operator restart. */
  public ScalingHistory withProfile(DemandProfile kept) {
    return new ScalingHistory(recommendations, changes, traffic, kept);
  }

  public boolean isEmpty() {
    return recommendations.isEmpty() && changes.isEmpty();
  }

  ScalingHistory with(
      Recommendation r,
      ScaleChange change,
      Traffic next,
      DemandProfile learned,
      Instant now,
      Duration keep) {
    Instant cutoff = now.minus(keep);
    List<Recommendation> recs = new ArrayList<>();
    for (Recommendation old : recommendations) {
      if (!old.at().isBefore(cutoff)) {
        recs.add(old);
      }
    }
    recs.add(r);
    List<ScaleChange> kept = new ArrayList<>();
    Instant minuteAgo = now.minus(Duration.ofMinutes(1));
    for (ScaleChange c : changes) {
      if (c.at().isAfter(minuteAgo)) {
        kept.add(c);
      }
    }
    if (change != null) {
      kept.add(change);
    }
    return new ScalingHistory(List.copyOf(recs), List.copyOf(kept), next, learned);
  }
}
