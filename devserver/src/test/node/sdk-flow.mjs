// Drives the devserver with the real Node livekit-server-sdk (Twirp as JSON) and prints what the
// SDK returned as one JSON line, for NodeInteropTest to check.
// Env: LIVEKIT_URL (http://...), LIVEKIT_API_KEY, LIVEKIT_API_SECRET, ROOM, AGENT_NAME, METADATA.
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';

const { LIVEKIT_URL: url, LIVEKIT_API_KEY: key, LIVEKIT_API_SECRET: secret } = process.env;
const room = process.env.ROOM;
const agentName = process.env.AGENT_NAME ?? '';
const metadata = process.env.METADATA ?? '';

const rooms = new RoomServiceClient(url, key, secret);
const dispatches = new AgentDispatchClient(url, key, secret);

async function errorOf(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { message: e.message, status: e.status ?? null, code: e.code ?? null };
  }
}

const created = await rooms.createRoom({ name: room, emptyTimeout: 120 });
const listed = await rooms.listRooms([room]);
const dispatch = await dispatches.createDispatch(room, agentName, { metadata });
const dispatchList = await dispatches.listDispatch(room);
const participants = await rooms.listParticipants(room);
const missingDispatch = await errorOf(dispatches.deleteDispatch('AD_doesnotexist', room));
const unauthorized = await errorOf(
  new RoomServiceClient(url, key, 'wrong-secret').listRooms(),
);

console.log(
  JSON.stringify({
    room: created.toJson(),
    rooms: listed.map((r) => r.toJson()),
    dispatch: dispatch.toJson(),
    dispatches: dispatchList.map((d) => d.toJson()),
    participants: participants.length,
    missingDispatch,
    unauthorized,
  }),
);
