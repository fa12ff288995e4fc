package io.agentfleet.operator.redispatch;

import java.time.Instant;

/**
 * A worker process of the deployment that ended.
 *
 * @param drained its pod was being deleted (a drain, or a drain that ran out of time): the end the
 *     operator or a user asked for, never a reason to re-dispatch
 */
public record WorkerDeath(String pod, Instant at, boolean drained) {}
