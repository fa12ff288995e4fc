package io.agentfleet.api.v1alpha1;

/**
 * The reasons the operator gives on its conditions (Degraded's reasons are its Event reasons).
 * {@code kubectl agents rollout status} tells a failed rollout by them.
 */
public final class ConditionReason {

  /** Available=True. */
  public static final String MINIMUM_WORKERS_AVAILABLE = "MinimumWorkersAvailable";

  /** Available=False. */
  public static final String MINIMUM_WORKERS_UNAVAILABLE = "MinimumWorkersUnavailable";

  /** Progressing=True: every worker runs the update revision. */
  public static final String NEW_REVISION_AVAILABLE = "NewRevisionAvailable";

  /** Progressing=True: workers are being replaced. */
  public static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";

  /** Progressing=Unknown: spec.paused or a canary pause step. */
  public static final String PAUSED = "Paused";

  /** Progressing=False: the rollout missed spec.progressDeadlineSeconds. */
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  /** Progressing=False: the update revision was rolled back. */
  public static final String ROLLED_BACK = "RolledBack";

  /** RolledBack=True: the operator rolled back on its own. */
  public static final String AUTOMATIC_ROLLBACK = "AutomaticRollback";

  /** RolledBack=False: a different revision is being rolled out since. */
  public static final String NEW_REVISION = "NewRevision";

  /** Degraded=False. */
  public static final String AS_EXPECTED = "AsExpected";

  /** ScalingLimited=True: held up by minReplicas or a schedule. */
  public static final String TOO_FEW_REPLICAS = "TooFewReplicas";

  /** ScalingLimited=True: held down by maxReplicas. */
  public static final String TOO_MANY_REPLICAS = "TooManyReplicas";

  /** ScalingLimited=False. */
  public static final String DESIRED_WITHIN_RANGE = "DesiredWithinRange";

  private ConditionReason() {}
}
