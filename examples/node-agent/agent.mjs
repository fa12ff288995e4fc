// A LiveKit agent on @livekit/agents that needs no AI provider, for running under Agentfleet.
//
// It is dispatched explicitly (agent name from AGENT_NAME, default "node-agent") and does what
// the job's metadata asks:
//
//   {"hold_ms": 8000}   stay in the room 8 s, then end the job normally (the agent leaves);
//   {"agent": "echo"}   play every remote audio track back into the room until the last remote
//                       participant has left.
//
// Anything else (including no metadata) is a hold of 0 ms: join, leave.
//
// Run: node agent.mjs start   (production mode; LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET)
// Env: AGENT_NAME, PORT (HTTP health and /worker, default 8081),
//      AGENTFLEET_DRAIN_TIMEOUT_SECONDS (how long SIGTERM waits for jobs, default the SDK's 3600),
//      AGENTFLEET_LOAD_FUNCTION "cpu" (default: the SDK's CPU load, full at 0.7) or "jobs"
//      (load = active jobs / AGENTFLEET_MAX_JOBS, default 8, full at exactly that many jobs).
// The agent name is AGENT_NAME, else LIVEKIT_AGENT_NAME (which the operator sets from the
// AgentDeployment's spec.agentName), else "node-agent".
//
// Each job runs in a child process that imports this file again; only the default export is
// used there, and cli.runApp does nothing when it sees it runs inside a job process.
import { AutoSubscribe, ServerOptions, cli, defineAgent, log } from '@livekit/agents';
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  ParticipantKind,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { fileURLToPath } from 'node:url';

const AGENT_NAME = process.env.AGENT_NAME || process.env.LIVEKIT_AGENT_NAME || 'node-agent';

function intEnv(name, fallback) {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '') {
    return fallback;
  }
  if (!/^\d+$/.test(raw)) {
    console.error(`${name} must be a whole non-negative number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return Number(raw);
}

function metadataOf(ctx) {
  const raw = ctx.job.metadata ?? '';
  if (raw.trim() === '') {
    return {};
  }
  try {
    const parsed = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    log().warn({ metadata: raw.slice(0, 200) }, 'job metadata is not JSON, holding 0 ms');
    return {};
  }
}

async function hold(ctx, holdMs) {
  await ctx.connect(undefined, AutoSubscribe.SUBSCRIBE_NONE);
  log().info({ room: ctx.room.name, hold_ms: holdMs }, 'holding');
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  // Ends the job as finished: the SDK reports the job's end, then leaves the room.
  ctx.shutdown('hold finished');
}

async function echo(ctx) {
  await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
  const room = ctx.room;
  const source = new AudioSource(48000, 1);
  const track = LocalAudioTrack.createAudioTrack('echo', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant.publishTrack(track, options);

  const readers = new Set();
  const forward = async (remote) => {
    const stream = new AudioStream(remote, { sampleRate: 48000, numChannels: 1 });
    const reader = stream.getReader();
    readers.add(reader);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          return;
        }
        await source.captureFrame(value);
      }
    } finally {
      readers.delete(reader);
    }
  };
  const onTrack = (remote) => {
    if (remote.kind === TrackKind.KIND_AUDIO) {
      forward(remote).catch((error) => log().warn({ error }, 'echo stream ended'));
    }
  };
  const humansLeft = () =>
    ![...room.remoteParticipants.values()].some(
      (p) => p.info.kind !== ParticipantKind.AGENT,
    );

  room.on(RoomEvent.TrackSubscribed, onTrack);
  for (const participant of room.remoteParticipants.values()) {
    for (const publication of participant.trackPublications.values()) {
      if (publication.track) {
        onTrack(publication.track);
      }
    }
  }
  // A caller may not have joined yet: wait for one before watching for the last to leave.
  await ctx.waitForParticipant();
  if (!humansLeft()) {
    await new Promise((resolve) => {
      const onLeft = () => {
        if (humansLeft()) {
          room.off(RoomEvent.ParticipantDisconnected, onLeft);
          resolve();
        }
      };
      room.on(RoomEvent.ParticipantDisconnected, onLeft);
    });
  }
  for (const reader of readers) {
    await reader.cancel().catch(() => {});
  }
  await source.close();
  ctx.shutdown('caller left');
}

export default defineAgent({
  entry: async (ctx) => {
    const metadata = metadataOf(ctx);
    if (metadata.agent === 'echo') {
      await echo(ctx);
      return;
    }
    let holdMs = metadata.hold_ms ?? 0;
    if (typeof holdMs !== 'number' || !(holdMs >= 0)) {
      log().warn('hold_ms must be a non-negative number, holding 0 ms');
      holdMs = 0;
    }
    await hold(ctx, Math.floor(holdMs));
  },
});

function serverOptions() {
  const options = {
    agent: fileURLToPath(import.meta.url),
    agentName: AGENT_NAME,
    port: intEnv('PORT', 8081),
    // Warm job processes waiting for a job: each is a Node process (~100 MB), one is enough.
    numIdleProcesses: 1,
    // How long a job process gets to acknowledge a shutdown (SDK default 60 s). A SIGTERM that
    // comes while the pool is still starting the warm process that replaces one a job just took
    // makes the drain wait this long for it, whatever the jobs do: measured, 60 s after an 8 s
    // call. Python's livekit-agents uses 10 s.
    shutdownProcessTimeout: 10 * 1000,
  };
  const drainSeconds = intEnv('AGENTFLEET_DRAIN_TIMEOUT_SECONDS', undefined);
  if (drainSeconds !== undefined) {
    options.drainTimeout = drainSeconds * 1000;
  }
  const loadFunction = (process.env.AGENTFLEET_LOAD_FUNCTION ?? '').trim().toLowerCase() || 'cpu';
  if (loadFunction !== 'cpu' && loadFunction !== 'jobs') {
    console.error(`AGENTFLEET_LOAD_FUNCTION must be cpu or jobs, got ${JSON.stringify(loadFunction)}`);
    process.exit(2);
  }
  if (loadFunction === 'jobs') {
    const maxJobs = intEnv('AGENTFLEET_MAX_JOBS', 8);
    if (maxJobs === 0) {
      console.error('AGENTFLEET_MAX_JOBS must be at least 1');
      process.exit(2);
    }
    // The SDK's default load is the CPU of the whole machine: where many workers share a few
    // cores, one busy neighbour marks every worker full. Counting jobs makes the worker full at
    // exactly maxJobs, whatever else runs there.
    options.loadFunc = async (worker) => Math.min(1, worker.activeJobs.length / maxJobs);
    options.loadThreshold = 1;
  }
  return new ServerOptions(options);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(serverOptions());
}
