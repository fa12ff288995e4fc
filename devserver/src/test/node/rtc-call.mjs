// A caller on @livekit/rtc-node (the Rust SDK behind Python livekit-rtc): joins with the token,
// publishes 4 s of a 440 Hz sine, listens to the room's audio and data, prints one RESULT line.
// `first` holds [rms, upward zero crossings] of the first 100 frames heard (10 ms each at 48 kHz), so
// a test can tell what a listener hears the moment it subscribes; `overloud` [index, rms, crossings]
// of frames louder than the 440 Hz tone sent (rms 7071) can be: what no echo of it can contain.
// Usage: node rtc-call.mjs <ws url> <token> [listen]. With "listen" it publishes nothing and only
// listens for 4 s (a participant joining a call in progress).
import {
  AudioFrame, AudioSource, AudioStream, LocalAudioTrack, Room, RoomEvent, TrackKind,
  TrackPublishOptions, TrackSource, dispose,
} from '@livekit/rtc-node';

const [url, token, mode] = process.argv.slice(2);
const result = { ok: false, frames: 0, loudFrames: 0, crossings: 0, first: [], overloud: [], data: [], log: [] };
let loudRmsSum = 0;
const room = new Room();
room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  result.log.push('subscribed ' + track.kind + ' from ' + participant.identity);
  if (track.kind !== TrackKind.KIND_AUDIO) return;
  (async () => {
    let last = 0;
    for await (const frame of new AudioStream(track, 48000, 1)) {
      result.frames++;
      let sum = 0;
      let crossings = 0;
      for (const s of frame.data) { sum += s * s; if (last < 0 && s >= 0) crossings++; last = s; }
      const rms = Math.sqrt(sum / frame.data.length);
      if (rms > 9000 && result.overloud.length < 50) result.overloud.push([result.frames - 1, Math.round(rms), crossings]);
      if (result.first.length < 100) result.first.push([Math.round(Math.sqrt(sum / frame.data.length)), crossings, frame.data.length]);
      if (Math.sqrt(sum / frame.data.length) > 1000) { result.loudFrames++; result.crossings += crossings; loudRmsSum += Math.sqrt(sum / frame.data.length); }
    }
  })().catch((e) => result.log.push('stream: ' + e));
});
room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
  result.data.push(topic + ' ' + new TextDecoder().decode(payload));
});
try {
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  result.log.push('connected');
  if (mode === 'listen') {
    await new Promise((r) => setTimeout(r, 4000));
    result.ok = true;
    await room.disconnect();
    result.loudRms = result.loudFrames ? Math.round(loudRmsSum / result.loudFrames) : 0;
    console.log('RESULT ' + JSON.stringify(result));
    await dispose().catch(() => {});
    process.exit(0);
  }
  const source = new AudioSource(48000, 1);
  const track = LocalAudioTrack.createAudioTrack('mic', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant.publishTrack(track, options);
  result.log.push('published');
  await room.localParticipant.publishData(new TextEncoder().encode('hi from rtc-node'), {
    reliable: true, topic: 'node',
  });
  let phase = 0;
  for (let f = 0; f < 400; f++) {
    const samples = new Int16Array(480);
    for (let i = 0; i < 480; i++) { samples[i] = Math.round(10000 * Math.sin(phase)); phase += 2 * Math.PI * 440 / 48000; }
    await source.captureFrame(new AudioFrame(samples, 48000, 1, 480));
  }
  await new Promise((r) => setTimeout(r, 1500));
  result.hz = result.loudFrames ? result.crossings / (result.loudFrames / 100) : 0;
  result.ok = result.loudFrames > 50 && Math.abs(result.hz - 440) < 40
    && result.data.some((d) => d === 'echo hi from rtc-node');
  await room.disconnect();
} catch (e) {
  result.error = String(e && e.stack || e);
}
result.loudRms = result.loudFrames ? Math.round(loudRmsSum / result.loudFrames) : 0;
console.log('RESULT ' + JSON.stringify(result));
await dispose().catch(() => {});
process.exit(result.ok ? 0 : 1);
