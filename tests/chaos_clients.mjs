// Stock socket.io-client (4.8) receivers and senders for the recovery chaos test
// (tests/test_recovery_chaos.py), which cuts links and kills servers while this runs.
//
// Environment: RECEIVER_URLS, SENDER_URLS (comma-separated, one client each), ROOM_IDS,
// SEND_MS (how long senders send), RATE (messages per second per sender), SETTLE_MS.
// Prints "READY" once every client is logged in and in every room, then one JSON line:
// per receiver what arrived; per sender what was acknowledged; reconnect figures.
import { io } from "socket.io-client";

const env = process.env;
const receiverUrls = env.RECEIVER_URLS.split(",");
const senderUrls = env.SENDER_URLS.split(",");
const rooms = env.ROOM_IDS.split(",").map(Number);
const sendMs = Number(env.SEND_MS || 10000);
const rate = Number(env.RATE || 10);
const settleMs = Number(env.SETTLE_MS || 4000);
const tag = env.TAG || "c";

function call(socket, event, payload, timeoutMs = 5000) {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err, ack) => resolve(err ? null : ack));
  });
}

// One client: logs in as a guest and joins every room once; after a reconnect it counts
// whether the server recovered the session. A client that is not recovered does what a real
// front end would: log in again with its token and rejoin (what it missed is then lost).
async function client(url, name) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    timeout: 5000,
  });
  const state = { socket, name, connects: 0, recovered: 0, notRecovered: 0, token: null,
                  messages: [] };
  socket.on("room:message:new", (data) => {
    state.messages.push([data.roomId, data.message.content]);
  });
  socket.on("connect", async () => {
    state.connects += 1;
    if (state.connects === 1) return;
    if (socket.recovered) {
      state.recovered += 1;
      return;
    }
    state.notRecovered += 1;
    await call(socket, "user:login", { token: state.token, username: name });
    for (const roomId of rooms) await call(socket, "room:join", { roomId });
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  const ack = await call(socket, "user:login", { userId: name, username: name });
  if (!ack || !ack.ok) throw new Error(`login failed: ${JSON.stringify(ack)}`);
  state.token = ack.token;
  for (const roomId of rooms) {
    const joined = await call(socket, "room:join", { roomId });
    if (!joined || !joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
  }
  return state;
}

const receivers = await Promise.all(receiverUrls.map((url, i) => client(url, `${tag}r${i}`)));
const senders = await Promise.all(senderUrls.map((url, i) => client(url, `${tag}s${i}`)));
process.stdout.write("READY\n");

// Each sender sends "<name>-<seq>" round-robin over the rooms while connected.
const acked = [];
const refused = [];
const sending = senders.map(async (sender) => {
  let seq = 0;
  const pending = [];
  const until = Date.now() + sendMs;
  while (Date.now() < until) {
    if (sender.socket.connected) {
      seq += 1;
      const roomId = rooms[seq % rooms.length];
      const content = `${sender.name}-${seq}`;
      pending.push(call(sender.socket, "room:message", { roomId, message: content }, 8000)
        .then((ack) => {
          if (ack && ack.ok) acked.push([roomId, content]);
          else if (ack) refused.push([content, ack.error && ack.error.code]);
        }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
  await Promise.all(pending);
});
await Promise.all(sending);

// Let every client reconnect and hear the last messages.
const everyone = [...receivers, ...senders];
const deadline = Date.now() + 20000;
while (everyone.some((c) => !c.socket.connected) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await new Promise((resolve) => setTimeout(resolve, settleMs));

const result = {
  acked,
  refused,
  clients: everyone.map((c) => ({
    name: c.name, connected: c.socket.connected, reconnects: c.connects - 1,
    recovered: c.recovered, notRecovered: c.notRecovered, messages: c.messages,
  })),
};
process.stdout.write(JSON.stringify(result) + "\n");
for (const c of everyone) c.socket.disconnect();
process.exit(0);
