// Load generator for the reconnect storm (issue 12): N logged-in stock socket.io-client
// sockets; 200 of them in one room whose latency is measured while all N are connected; then
// the server restarts under them (bench/reconnect_storm.py does that) and every socket must be
// logged in again: by connection state recovery (socket.recovered), or, as a real front end
// does when it is not recovered, by user:login with its token.
//
// Driven through stdin/stdout by bench/reconnect_storm.py:
//   prints  CONNECTED {...}   once all N are logged in (the orchestrator reads the server's RSS)
//   reads   "latency"         -> measures the room, prints LATENCY {...}
//   prints  RESTART           -> the orchestrator restarts the server
//   prints  STORM {...}       once all N are logged in again, or after --deadline seconds
//
// Uses the stock socket.io-client of tests/node_modules (cd tests && npm ci); its default
// reconnection delays (1 s, up to 5 s, randomised), as in a browser.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(new URL("../tests/package.json", import.meta.url));
const { io } = require("socket.io-client");

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const url = args.url || "http://127.0.0.1:5000";
const clients = Number(args.clients || 1000);
const roomSize = Math.min(clients, Number(args["room-size"] || 200));
const seconds = Number(args.seconds || 10);
const deadline = Number(args.deadline || 120);
const concurrency = Number(args.concurrency || 100);
const tag = Date.now().toString(36);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (values, p) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
};
const call = (socket, event, payload, ms = 60000) => new Promise((resolve) => {
  socket.timeout(ms).emit(event, payload, (err, ack) => resolve(err ? null : ack));
});

// Each person counts once, at their first connection after the restart; a person whose
// socket drops again after that (a ping timeout under the storm's load) and comes back is
// counted in `dropped_again`, not twice.
const storm = { started: 0, back: 0, recovered: 0, relogged: 0, failed: 0, lastAt: 0,
                droppedAgain: 0, dropReasons: {}, returns: [], attemptErrors: {},
                timedOutAttempts: [] };
const latencies = [];

function person(i) {
  const state = { socket: null, token: null, down: false, back: false };
  const socket = io(url, { transports: ["websocket"], forceNew: true, timeout: 20000 });
  state.socket = socket;
  // Why reconnection attempts after the restart failed (socket.io-client's messages:
  // "timeout" is an attempt that got no Engine.IO handshake within `timeout`, 20 s).
  socket.io.on("reconnect_attempt", () => { state.attemptAt = performance.now(); });
  socket.io.on("reconnect_error", (error) => {
    if (!storm.started) return;
    if (error?.message === "timeout") {
      storm.timedOutAttempts.push((state.attemptAt - storm.started) / 1000);
    }
    const detail = error?.description?.message || error?.description;
    const key = `${error?.message}${detail ? ` (${detail})` : ""}`;
    storm.attemptErrors[key] = (storm.attemptErrors[key] || 0) + 1;
  });
  socket.on("disconnect", (reason) => {
    state.down = true;
    if (!state.back) return;
    storm.droppedAgain += 1;
    storm.dropReasons[reason] = (storm.dropReasons[reason] || 0) + 1;
  });
  socket.on("room:message:new", (data) => {
    const text = data?.message?.content || "";
    if (text.startsWith("lat:")) latencies.push(performance.now() - Number(text.slice(4)));
  });
  socket.on("connect", async () => {
    if (!state.down) return;  // the first connect: logged in below
    if (!socket.recovered) {
      const ack = await call(socket, "user:login", { token: state.token });
      if (!ack?.ok) { if (!state.back) storm.failed += 1; return; }
    }
    state.down = false;
    if (state.back) return;  // back a second time: counted in droppedAgain
    state.back = true;
    if (socket.recovered) storm.recovered += 1; else storm.relogged += 1;
    storm.back += 1;
    storm.lastAt = performance.now();
    storm.returns.push((storm.lastAt - storm.started) / 1000);
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", async () => {
      const ack = await call(socket, "user:login", { userId: `storm${tag}${i}`,
                                                      username: `storm${tag}${i}` });
      if (!ack?.ok) reject(new Error(`login ${i}: ${JSON.stringify(ack)}`));
      state.token = ack.token;
      resolve(state);
    });
    socket.once("connect_error", (e) => reject(e));
  });
}

const t0 = performance.now();
const people = [];
for (let i = 0; i < clients; i += concurrency) {
  people.push(...await Promise.all(Array.from({ length: Math.min(concurrency, clients - i) },
                                               (_, k) => person(i + k))));
}
const connectSeconds = (performance.now() - t0) / 1000;
const created = await call(people[0].socket, "room:create", { name: `storm ${tag}`, category: "bench" });
const roomId = created?.roomId;
for (let i = 1; i < roomSize; i += concurrency) {
  await Promise.all(people.slice(i, Math.min(roomSize, i + concurrency))
    .map((p) => call(p.socket, "room:join", { roomId })));
}
await sleep(1000);
console.log(`CONNECTED ${JSON.stringify({ clients: people.length, connect_s: connectSeconds,
  connect_per_s: people.length / connectSeconds, roomId })}`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== "latency") continue;
  // One member sends 20 messages a second; every member (sender included) times each one.
  const sender = people[0].socket;
  const until = performance.now() + seconds * 1000;
  let sent = 0;
  while (performance.now() < until) {
    sender.emit("room:message", { roomId, message: `lat:${performance.now()}` });
    sent += 1;
    await sleep(50);
  }
  await sleep(2000);
  const expected = sent * roomSize;
  console.log(`LATENCY ${JSON.stringify({ members: roomSize, received: latencies.length, expected,
    p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) })}`);
  break;
}

// The storm: the orchestrator restarts the server now.
console.log("RESTART");
while (!people.some((p) => p.down)) await sleep(10);
storm.started = performance.now();
const giveUp = storm.started + deadline * 1000;
while (storm.back + storm.failed < people.length && performance.now() < giveUp) await sleep(100);
console.log(`STORM ${JSON.stringify({ clients: people.length, back: storm.back,
  recovered: storm.recovered, relogged: storm.relogged, failed: storm.failed,
  dropped_again: storm.droppedAgain, drop_reasons: storm.dropReasons,
  attempt_errors: storm.attemptErrors,
  timed_out_attempts_began_s: [0, 10, 50, 90, 100].map((p) => percentile(storm.timedOutAttempts, p)),
  back_p50_s: percentile(storm.returns, 50), back_p90_s: percentile(storm.returns, 90),
  all_back_s: storm.back === people.length ? (storm.lastAt - storm.started) / 1000 : null })}`);
for (const p of people) p.socket.disconnect();
process.exit(0);
