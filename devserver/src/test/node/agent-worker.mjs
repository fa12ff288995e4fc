// A real @livekit/agents worker. Its entry function appends JSON lines to JOB_MARKER (every line
// names the job, room, metadata and agent name, plus an "event"), so the JUnit tests can follow it.
// With job metadata {"mode":"echo"} it joins the room, publishes one audio track that repeats what
// it hears, sends each data packet back under the topic "echo" (as the Java echo agent does, which
// rtc-call.mjs checks), and ends the job (leaving the room)
// when the last caller leaves: the hold job of the webhook and media tests. Otherwise it returns at once.
// Env: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, AGENT_NAME, HEALTH_PORT, JOB_MARKER.
import { ServerOptions, cli, defineAgent } from '@livekit/agents';
import {
  AudioSource, AudioStream, LocalAudioTrack, RoomEvent, TrackKind, TrackPublishOptions, TrackSource,
} from '@livekit/rtc-node';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default defineAgent({
  entry: async (ctx) => {
    const base = {
      job: ctx.job.id,
      room: ctx.job.room?.name ?? '',
      metadata: ctx.job.metadata,
      agentName: ctx.job.agentName,
    };
    const mark = (fields) =>
      appendFileSync(process.env.JOB_MARKER, JSON.stringify({ ...base, ...fields }) + '\n');
    mark({ event: 'entry', pid: process.pid });
    let mode = '';
    try {
      mode = JSON.parse(ctx.job.metadata || '{}').mode ?? '';
    } catch {
      // plain-text metadata: the marker-only job
    }
    if (mode !== 'echo') return;

    await ctx.connect();
    const source = new AudioSource(48000, 1);
    const track = LocalAudioTrack.createAudioTrack('echo', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    ctx.room.on(RoomEvent.TrackSubscribed, (remote) => {
      if (remote.kind !== TrackKind.KIND_AUDIO) return;
      (async () => {
        for await (const frame of new AudioStream(remote, 48000, 1)) await source.captureFrame(frame);
      })().catch(() => {});
    });
    ctx.room.on(RoomEvent.DataReceived, (payload) => {
      ctx.room.localParticipant.publishData(payload, { reliable: true, topic: 'echo' }).catch(() => {});
    });
    ctx.room.on(RoomEvent.ParticipantDisconnected, (participant) => {
      mark({ event: 'caller-left', identity: participant.identity });
      if (ctx.room.remoteParticipants.size === 0) ctx.shutdown('last caller left');
    });
    await ctx.room.localParticipant.publishTrack(track, options);
    mark({ event: 'connected', identity: ctx.room.localParticipant.identity, pid: process.pid });
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      agentName: process.env.AGENT_NAME ?? '',
      port: Number(process.env.HEALTH_PORT),
      host: '127.0.0.1',
      numIdleProcesses: 1,
      // The machine's CPU is not this test's concern; report idle so the server offers jobs.
      loadFunc: async () => 0.1,
    }),
  );
}
