package io.agentfleet.api.v1alpha1;

/** The types of the conditions in {@code status.conditions}. */
public final class ConditionType {

  /** Enough workers are ready for spec.replicas. */
  public static final String AVAILABLE = "Available";

  /** How the rollout of the current template goes; see {@link ConditionReason}. */
  public static final String PROGRESSING = "Progressing";

  /** The operator cannot do all it should; the reason names the Event reason of the cause. */
  public static final String DEGRADED = "Degraded";

  /** The autoscaler's answer is held by minReplicas, maxReplicas or a schedule. */
  public static final String SCALING_LIMITED = "ScalingLimited";

  /** An automatic rollback happened and the fleet still runs the revision it went back to. */
  public static final String ROLLED_BACK = "RolledBack";

  private ConditionType() {}
}
