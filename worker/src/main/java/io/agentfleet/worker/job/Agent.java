package io.agentfleet.worker.job;

/**
 * The SDK's extension point: what an agent does with one job. Each job runs on its own thread.
 *
 * <p>Return normally when the job is done (reported as {@code JS_SUCCESS}); throw to report {@code
 * JS_FAILED} with the exception's message. Return promptly once {@link JobContext#cancellation()}
 * fires: the server ended the job or the worker is shutting down.
 */
@FunctionalInterface
public interface Agent {
  void run(JobContext context) throws Exception;
}
