"""A LiveKit agent on livekit-agents that needs no AI provider, for running under Agentfleet.

It is dispatched explicitly (agent name from AGENT_NAME, default "python-agent") and does what the
job's metadata asks:

  {"hold_ms": 8000}   stay in the room 8 s, then end the job normally (the agent leaves);
  {"agent": "echo"}   play every remote audio track back into the room until the last remote
                      participant has left.

Anything else (including no metadata) is a hold of 0 ms: join, leave.

Run: python agent.py start   (production mode; LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET)
Env: AGENT_NAME, PORT (HTTP health and /worker, default 8081),
     AGENTFLEET_DRAIN_TIMEOUT_SECONDS (how long SIGTERM waits for jobs, default the SDK's 3600),
     AGENTFLEET_LOAD_FUNCTION "cpu" (default: the SDK's CPU load, full at 0.7) or "jobs"
     (load = active jobs / AGENTFLEET_MAX_JOBS, default 8, full at exactly that many jobs),
     AGENTFLEET_JOB_EXECUTOR "thread" (default: jobs on threads of this process) or "process"
     (the SDK's default: a process per job).
The agent name is AGENT_NAME, else LIVEKIT_AGENT_NAME (which the operator sets from the
AgentDeployment's spec.agentName), else "python-agent".
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

from livekit import rtc
from livekit.agents import AgentServer, AutoSubscribe, JobContext, JobExecutorType, cli

logger = logging.getLogger("agentfleet-python-agent")

AGENT_NAME = (
    os.environ.get("AGENT_NAME") or os.environ.get("LIVEKIT_AGENT_NAME") or "python-agent"
)


def _int_env(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise SystemExit(f"{name} must not be negative, got {number}")
    return number


def _server() -> AgentServer:
    executor = os.environ.get("AGENTFLEET_JOB_EXECUTOR", "thread").strip().lower() or "thread"
    if executor not in ("thread", "process"):
        raise SystemExit(f"AGENTFLEET_JOB_EXECUTOR must be thread or process, got {executor!r}")
    options: dict = {"port": _int_env("PORT", 8081)}
    if executor == "thread":
        # Jobs run as asyncio tasks on threads of this process instead of one forked process
        # each: a job here only moves audio frames, and on small shared CPUs every extra
        # interpreter costs start-up time and ~100 MB.
        options["job_executor_type"] = JobExecutorType.THREAD
        # Warm executors waiting for a job; with threads they are cheap, one is enough.
        options["num_idle_processes"] = 1
    # "process": the SDK's defaults, a forked process per job and its own warm pool.
    drain = _int_env("AGENTFLEET_DRAIN_TIMEOUT_SECONDS", None)
    if drain is not None:
        options["drain_timeout"] = drain
    load_function = os.environ.get("AGENTFLEET_LOAD_FUNCTION", "cpu").strip().lower() or "cpu"
    if load_function not in ("cpu", "jobs"):
        raise SystemExit(f"AGENTFLEET_LOAD_FUNCTION must be cpu or jobs, got {load_function!r}")
    if load_function == "jobs":
        max_jobs = _int_env("AGENTFLEET_MAX_JOBS", 8)
        if max_jobs == 0:
            raise SystemExit("AGENTFLEET_MAX_JOBS must be at least 1")
        # The SDK's default load is the CPU of the whole cgroup (or machine): where many
        # workers share a few cores, one busy neighbour marks every worker full. Counting
        # jobs makes the worker full at exactly max_jobs, whatever else runs there.
        options["load_fnc"] = lambda worker: min(1.0, len(worker.active_jobs) / max_jobs)
        options["load_threshold"] = 1.0
    return AgentServer(**options)


server = _server()


def _metadata(ctx: JobContext) -> dict:
    raw = ctx.job.metadata or ""
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        logger.warning("job metadata is not JSON, holding 0 ms", extra={"metadata": raw[:200]})
        return {}
    return parsed if isinstance(parsed, dict) else {}


async def _hold(ctx: JobContext, hold_ms: int) -> None:
    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    logger.info("holding", extra={"room": ctx.room.name, "hold_ms": hold_ms})
    await asyncio.sleep(hold_ms / 1000)
    # Ends the job as finished: the SDK reports the job's end, then leaves the room.
    ctx.shutdown(reason="hold finished")


async def _echo(ctx: JobContext) -> None:
    await ctx.connect(auto_subscribe=AutoSubscribe.AUDIO_ONLY)
    source = rtc.AudioSource(48000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("echo", source)
    await ctx.room.local_participant.publish_track(
        track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    )
    everyone_left = asyncio.Event()
    forwarders: set[asyncio.Task] = set()

    async def forward(remote: rtc.Track) -> None:
        stream = rtc.AudioStream(remote, sample_rate=48000, num_channels=1)
        try:
            async for event in stream:
                await source.capture_frame(event.frame)
        finally:
            await stream.aclose()

    def on_track_subscribed(remote: rtc.Track, *_: object) -> None:
        if remote.kind == rtc.TrackKind.KIND_AUDIO:
            task = asyncio.create_task(forward(remote))
            forwarders.add(task)
            task.add_done_callback(forwarders.discard)

    def humans_left() -> bool:
        return not any(
            p.kind != rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
            for p in ctx.room.remote_participants.values()
        )

    def on_participant_disconnected(*_: object) -> None:
        if humans_left():
            everyone_left.set()

    ctx.room.on("track_subscribed", on_track_subscribed)
    ctx.room.on("participant_disconnected", on_participant_disconnected)
    for participant in ctx.room.remote_participants.values():
        for publication in participant.track_publications.values():
            if publication.track is not None:
                on_track_subscribed(publication.track)
    # A caller may not have joined yet: wait for one before watching for the last to leave.
    await ctx.wait_for_participant()
    if humans_left():
        everyone_left.set()
    await everyone_left.wait()
    for task in list(forwarders):
        task.cancel()
    await source.aclose()
    ctx.shutdown(reason="caller left")


@server.rtc_session(agent_name=AGENT_NAME)
async def entrypoint(ctx: JobContext) -> None:
    metadata = _metadata(ctx)
    if metadata.get("agent") == "echo":
        await _echo(ctx)
        return
    hold_ms = metadata.get("hold_ms", 0)
    if not isinstance(hold_ms, (int, float)) or hold_ms < 0:
        logger.warning("hold_ms must be a non-negative number, holding 0 ms")
        hold_ms = 0
    await _hold(ctx, int(hold_ms))


if __name__ == "__main__":
    cli.run_app(server)
