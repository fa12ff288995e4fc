package io.agentfleet.worker.job;

import java.util.Optional;
import livekit.LivekitAgent.Job;

/**
 * Everything an agent gets for one job.
 *
 * @param job the job as the server offered it
 * @param url where to join the room: the assignment's URL, or the worker's own LiveKit URL
 * @param token the room token from the assignment (valid for about an hour)
 * @param cancellation fires when the job must end
 * @param resources what stays open until the job's end is reported (the room)
 */
public record JobContext(
    Job job, String url, String token, Cancellation cancellation, JobResources resources) {

  public JobContext(Job job, String url, String token, Cancellation cancellation) {
    this(job, url, token, cancellation, new JobResources());
  }

  /** Without the room token: it admits whoever holds it to the room for about an hour. */
  @Override
  public String toString() {
    return "JobContext[job="
        + job.getId()
        + ", room="
        + job.getRoom().getName()
        + ", url="
        + url
        + ", token=<redacted>]";
  }

  public String jobId() {
    return job.getId();
  }

  public String roomName() {
    return job.getRoom().getName();
  }

  /** The dispatch metadata, free-form (often JSON). */
  public String metadata() {
    return job.getMetadata();
  }

  /**
   * Present when this job resumes a call whose agent was lost with its worker (the operator's
   * re-dispatch): the attempt number and the lost dispatch's metadata. A first dispatch has none.
   */
  public Optional<Resumption> resumption() {
    return Resumption.of(job.getMetadata());
  }
}
