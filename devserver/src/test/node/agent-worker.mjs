// A real @livekit/agents worker. Its entry function appends one JSON line per job to JOB_MARKER,
// so the JUnit test can see that the job reached the agent code. It never joins the room: the
// devserver has no media yet.
// Env: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, AGENT_NAME, HEALTH_PORT, JOB_MARKER.
import { ServerOptions, cli, defineAgent } from '@livekit/agents';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default defineAgent({
  entry: async (ctx) => {
    appendFileSync(
      process.env.JOB_MARKER,
      JSON.stringify({
        job: ctx.job.id,
        room: ctx.job.room?.name ?? '',
        metadata: ctx.job.metadata,
        agentName: ctx.job.agentName,
      }) + '\n',
    );
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
      // The machine's CPU is not this test's concern; report idle so the devserver offers jobs.
      loadFunc: async () => 0.1,
    }),
  );
}
