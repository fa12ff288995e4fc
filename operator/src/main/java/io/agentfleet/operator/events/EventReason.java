package io.agentfleet.operator.events;

/** Every reason the operator writes on an Event; one enum so they stay consistent. */
public enum EventReason {
  SuccessfulCreate,
  SuccessfulDelete,
  FailedCreate,
  FailedDelete,
  NewRevision,
  RevisionsPruned,
  InvalidSpec,
  CredentialsSecretMissing,
  ApiError,
  ReconcileError,
  Recovered,
  ScalingUp,
  ScalingDown,
  GracePeriodShorterThanDrain,
  RolloutStepCompleted,
  RolloutCompleted,
  ProgressDeadlineExceeded,
  RolledBack,
  DispatchReoffered,
  Redispatched,
  RedispatchFailed,
  RedispatchExhausted,
  RedispatchJoined,
  LiveKitUnreachable
}
