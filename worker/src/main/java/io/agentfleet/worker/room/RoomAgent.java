package io.agentfleet.worker.room;

import io.agentfleet.media.MediaEngine;
import io.agentfleet.worker.job.Agent;
import io.agentfleet.worker.job.JobContext;

/**
 * An {@link Agent} that talks in the job's room: the runtime joins the room with the job's token
 * before {@link #run(JobContext, RoomSession)} and leaves it afterwards, whatever happens, once the
 * job's end is reported.
 *
 * <p>A typical loop reads caller audio with {@link RoomSession#pollAudio}, publishes with {@link
 * RoomSession#publishAudio}, and stops when {@link #shouldStop} says so. An STT → LLM → TTS
 * pipeline plugs in the same way: feed polled frames to the recogniser, push synthesised frames to
 * the output (any producer may run ahead; the output paces at real time).
 */
public interface RoomAgent extends Agent {

  void run(JobContext context, RoomSession room) throws Exception;

  @Override
  default void run(JobContext context) throws Exception {
    RoomSession room = RoomSession.join(MediaEngine.shared(), context.url(), context.token());
    // Left once the job's end is reported: the real server fails a job whose agent left first.
    context.resources().closeAfterReport(room);
    run(context, room);
    String ended = room.ended().getNow(null);
    if (ended != null && ended.startsWith("signal")) {
      // The connection broke rather than the room closing: the call did not end normally.
      throw new IllegalStateException("room connection lost: " + ended);
    }
  }

  /**
   * The usual end of a call: the job was terminated, the room ended, or every caller (non-agent
   * participant) that joined has left.
   */
  static boolean shouldStop(JobContext context, RoomSession room) {
    return context.cancellation().isCancelled() || room.isEnded() || room.callersGone();
  }
}
