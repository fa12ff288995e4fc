package io.agentfleet.devserver.inspect;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.agentfleet.devserver.agent.JobLauncher;
import io.agentfleet.devserver.agent.Worker;
import io.agentfleet.devserver.agent.WorkerPool;
import io.agentfleet.devserver.room.Dispatch;
import io.agentfleet.devserver.room.Room;
import io.agentfleet.devserver.room.Rooms;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import livekit.LivekitAgent.Job;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /devserver/state}: the workers with their reported status, load and jobs, every job,
 * and the rooms with their dispatches, as JSON: what livekit-server shows only in its log, or not
 * at all (it has no API that lists workers).
 */
public final class IntrospectionHandler extends Handler.Abstract.NonBlocking {
  public static final String PATH = "/devserver/state";

  private final WorkerPool workers;
  private final JobLauncher jobs;
  private final Rooms rooms;

  public IntrospectionHandler(WorkerPool workers, JobLauncher jobs, Rooms rooms) {
    this.workers = workers;
    this.jobs = jobs;
    this.rooms = rooms;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!PATH.equals(Request.getPathInContext(request))) {
      return false;
    }
    byte[] body = snapshot().toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  public JsonObject snapshot() {
    JsonObject root = new JsonObject();
    JsonArray workerList = new JsonArray();
    workers.all().stream()
        .sorted(Comparator.comparing(Worker::registeredAt))
        .forEach(w -> workerList.add(describe(w)));
    root.add("workers", workerList);
    JsonArray jobList = new JsonArray();
    jobs.jobs().stream()
        .sorted(Comparator.comparingLong(j -> j.getState().getStartedAt()))
        .forEach(j -> jobList.add(describe(j)));
    root.add("jobs", jobList);
    JsonArray roomList = new JsonArray();
    for (var info : rooms.list(List.of())) {
      Room room = rooms.room(info.getName()).orElse(null);
      if (room == null) {
        continue;
      }
      JsonObject r = new JsonObject();
      r.addProperty("name", room.name());
      r.addProperty("sid", info.getSid());
      JsonArray dispatches = new JsonArray();
      for (Dispatch d : room.dispatches()) {
        JsonObject o = new JsonObject();
        o.addProperty("id", d.id());
        o.addProperty("agent_name", d.agentName());
        o.addProperty("metadata", d.metadata());
        o.add("jobs", strings(jobs.jobsOfDispatch(d.id()).stream().map(Job::getId).toList()));
        dispatches.add(o);
      }
      r.add("dispatches", dispatches);
      roomList.add(r);
    }
    root.add("rooms", roomList);
    return root;
  }

  private static JsonObject describe(Worker w) {
    JsonObject o = new JsonObject();
    o.addProperty("id", w.id());
    o.addProperty("agent_name", w.agentName());
    o.addProperty("type", w.type().name());
    o.addProperty("version", w.version());
    o.addProperty("status", w.status().name());
    o.addProperty("load", w.load());
    o.addProperty("reported_job_count", w.reportedJobCount());
    o.add("jobs", strings(w.jobIds()));
    o.addProperty("registered_at", w.registeredAt().toString());
    return o;
  }

  private JsonObject describe(Job j) {
    JsonObject o = new JsonObject();
    o.addProperty("id", j.getId());
    o.addProperty("dispatch_id", j.getDispatchId());
    o.addProperty("room", j.getRoom().getName());
    o.addProperty("agent_name", j.getAgentName());
    o.addProperty("metadata", j.getMetadata());
    o.addProperty("status", j.getState().getStatus().name());
    o.addProperty("error", j.getState().getError());
    o.addProperty("worker_id", j.getState().getWorkerId());
    o.addProperty("participant_identity", j.getState().getParticipantIdentity());
    o.addProperty("assigned_worker", jobs.workerOf(j.getId()).orElse(""));
    return o;
  }

  private static JsonArray strings(Iterable<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }
}
