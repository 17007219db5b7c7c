// Load generator for the reaction path (issue 14): N participants in one live event, each
// pressing reactions R times a second, while a few of them chat. Prints what each viewer
// receives (reaction frames per second: bounded by the flush interval, not by N x R), the
// server's CPU while the presses go on, and the chat's round-trip latency (p50 / p99).
//
//   node bench/reactions.mjs --url http://127.0.0.1:5000 --clients 500 --rate 10 \
//        --seconds 20 --chatters 5 --server-pid 1234
//
// Uses the stock socket.io-client of tests/node_modules (cd tests && npm ci).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const require = createRequire(new URL("../tests/package.json", import.meta.url));
const { io } = require("socket.io-client");

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const url = args.url || "http://127.0.0.1:5000";
const clients = Number(args.clients || 200);
const rate = Number(args.rate || 10);
const seconds = Number(args.seconds || 15);
const chatters = Number(args.chatters || 5);
const serverPids = (args["server-pid"] || "").split(",").filter(Boolean);
const eventId = args.event || `bench-${Date.now()}`;
// Pages batch a burst of presses into one packet every 300 ms (react {emoji, count}); 0 sends
// one packet per press, as a naive client would.
const batchMs = Number(args["batch-ms"] ?? 500);
// Seconds of chat alone before the presses start: the same machine's latency without them.
const quietSeconds = Number(args["quiet-seconds"] ?? 5);
const EMOJI = ["👍", "❤️", "😂", "👏", "🎉", "😮"];
// How the participants hear arrivals: "batched" as our pages ask (participantsChanged about
// once a second), or "each" as the old front end does (userJoined with the whole list).
const participantUpdates = args["participant-updates"] || "batched";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ticks = () => serverPids.reduce((sum, pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return sum + Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
}, 0);
const percentile = (values, p) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function connect(i) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false,
      timeout: 120000 });
    const state = { socket, frames: 0, counted: 0, presenceFrames: 0 };
    socket.on("reactions", (frame) => {
      state.frames += 1;
      state.counted += Object.values(frame.counts).reduce((a, b) => a + b, 0);
    });
    for (const name of ["participantsChanged", "userJoined", "userLeft"]) {
      socket.on(name, () => { state.presenceFrames += 1; });
    }
    const joining = { username: `viewer${i}`, eventId, participantUpdates };
    socket.on("connect", () => {
      socket.timeout(120000).emit("joinEvent", joining, (err, ack) => {
        if (err || !ack?.ok) reject(new Error(`join ${i}: ${err || JSON.stringify(ack)}`));
        else resolve(state);
      });
    });
    socket.on("connect_error", (e) => reject(e));
  });
}

const started = Date.now();
const joinTicks = ticks();
const people = [];
for (let i = 0; i < clients; i += 50) {  // in batches: the joins themselves fan out to everyone
  const batch = await Promise.all(Array.from({ length: Math.min(50, clients - i) }, (_, k) => connect(i + k)));
  people.push(...batch);
}
const joinSeconds = (Date.now() - started) / 1000;
const joinCpu = serverPids.length ? (ticks() - joinTicks) / 100 / joinSeconds : NaN;
await sleep(2000); // let the join announcements drain
const presenceFrames = people.reduce((sum, p) => sum + p.presenceFrames, 0);
console.log(`joined ${people.length} participants (${participantUpdates} participant updates) ` +
  `in ${joinSeconds.toFixed(1)} s (server CPU ${joinCpu.toFixed(2)} cores meanwhile); ` +
  `arrival frames received: ${presenceFrames} in all, ` +
  `${(presenceFrames / people.length).toFixed(1)} per participant`);
people.forEach((p) => { p.frames = 0; p.counted = 0; });

// Chat latency: each chatter sends one message a second and times its own newMessage
// (into `latencies`: first the quiet phase's list, then the press phase's).
const quietLatencies = [];
let latencies = quietLatencies;
const talkers = people.slice(0, chatters);
talkers.forEach((p, n) => {
  p.pending = new Map();
  p.socket.on("newMessage", (m) => {
    const sentAt = p.pending.get(m.text);
    if (sentAt != null) { latencies.push(performance.now() - sentAt); p.pending.delete(m.text); }
  });
  p.seq = n * 1e6;
});

const chatter = setInterval(() => {
  for (const p of talkers) {
    p.seq += 1;
    const text = `bench ${p.seq}`;
    p.pending.set(text, performance.now());
    p.socket.emit("sendMessage", text);
  }
}, 1000);
const quietTicks = ticks();
await sleep(quietSeconds * 1000);
const quietCpu = serverPids.length ? (ticks() - quietTicks) / 100 / quietSeconds : NaN;
latencies = [];

let presses = 0;
const cpuBefore = ticks();
// The load generator shares the machine: its own CPU and event-loop lag say how much of the
// chat latency it measures is its own (a late timer or a late read delays the round trip).
const ownBefore = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const t0 = performance.now();
const end = t0 + seconds * 1000;
// Every 10 ms a slice of the participants sends: one press each, or (batched) the presses
// of their last `batchMs` in one packet.
const count = batchMs > 0 ? Math.max(1, Math.round((rate * batchMs) / 1000)) : 1;
const packetsPerSecond = (clients * rate) / count;
const perTick = packetsPerSecond / 100;
let owed = 0;
let next = 0;
let packets = 0;
const presser = setInterval(() => {
  owed += perTick;
  while (owed >= 1) {
    const p = people[next];
    next = (next + 1) % people.length;
    const emoji = EMOJI[packets % EMOJI.length];
    p.socket.emit("react", count > 1 ? { emoji, count } : { emoji }); // no ack, as pages do
    presses += count;
    packets += 1;
    owed -= 1;
  }
}, 10);
while (performance.now() < end) await sleep(200);
clearInterval(presser);
clearInterval(chatter);
const elapsed = (performance.now() - t0) / 1000;
const cpuAfter = ticks();
const own = process.cpuUsage(ownBefore);
loopDelay.disable();
await sleep(1500); // the last flush
const frameRates = people.map((p) => p.frames / elapsed);
const counted = people[people.length - 1].counted;
const cpu = serverPids.length ? ((cpuAfter - cpuBefore) / 100 / elapsed) : NaN;

console.log(JSON.stringify({
  participants: clients, pressesPerSecondEach: rate, seconds: Number(elapsed.toFixed(1)),
  pressesSent: presses, pressesPerSecond: Math.round(presses / elapsed),
  packetsPerSecond: Math.round(packets / elapsed), pressesPerPacket: count,
  reactionsCountedByOneViewer: counted,
  framesPerSecondPerClient: { mean: Number((frameRates.reduce((a, b) => a + b, 0) / frameRates.length).toFixed(2)),
    max: Number(Math.max(...frameRates).toFixed(2)) },
  serverCpuCores: Number(cpu.toFixed(2)),
  loadGenerator: { cpuCores: Number(((own.user + own.system) / 1e6 / elapsed).toFixed(2)),
    eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
    eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6) },
  connected: people.filter((p) => p.socket.connected).length,
  chat: { messages: latencies.length, p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)) },
  chatWithoutPresses: { seconds: quietSeconds, serverCpuCores: Number(quietCpu.toFixed(2)),
    messages: quietLatencies.length, p50Ms: Math.round(percentile(quietLatencies, 50)),
    p99Ms: Math.round(percentile(quietLatencies, 99)) },
}, null, 1));
people.forEach((p) => p.socket.close());
process.exit(0);
