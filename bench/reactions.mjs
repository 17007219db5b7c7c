// Load generator for the reaction path (issue 14): N participants in one live event, each
// pressing reactions R times a second, while a few of them chat. Prints what each viewer
// receives (reaction frames per second: bounded by the flush interval, not by N x R), the
// server's CPU while the presses go on, and the chat's round-trip latency (p50 / p99).
//
//   node bench/reactions.mjs --url http://127.0.0.1:5000 --clients 500 --rate 10 \
//        --seconds 20 --chatters 5 --server-pid 1234
//
// Uses the stock socket.io-client of tests/node_modules (cd tests && npm ci) for the chatters,
// whose latency is measured. The other participants are bare WebSocket clients sending the
// same frames (bench/raw_participant.mjs), which cost the load generator a fraction of a stock
// client's work per frame; --viewers stock makes every participant a stock client.
//
// --procs K splits the participants over K processes (this one and K-1 children that it
// forks): one Node process cannot read 5,000 participants' frames and send their presses on
// a machine with cores to spare, and the load generator must not be what limits the run.
// The children join, press and count their own participants; this one chats, times and sums.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const require = createRequire(new URL("../tests/package.json", import.meta.url));
const { io } = require("socket.io-client");
import { connectRaw } from "./raw_participant.mjs";

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
const procs = Math.max(1, Number(args.procs || 1));
const viewers = args.viewers || "raw"; // "raw" (bare WebSocket) or "stock" (socket.io-client)
const child = args.child != null ? Number(args.child) : null;  // this process's slice, if a child
// Participants [first, last) are this process's.
const slice = child ?? 0;
const first = Math.floor((clients * slice) / procs);
const last = Math.floor((clients * (slice + 1)) / procs);

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
  if (viewers === "raw" && i >= chatters) {
    // The main process's last participant adds up the counts it is sent (the figure
    // "reactionsCountedByOneViewer"); the others only count frames.
    return connectRaw(url, { username: `viewer${i}`, eventId, participantUpdates },
      { sumCounts: child == null && i === last - 1 });
  }
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

async function joinSlice() {
  const joined = [];
  for (let i = first; i < last; i += 50) {  // in batches: the joins themselves fan out
    const size = Math.min(50, last - i);
    joined.push(...await Promise.all(Array.from({ length: size }, (_, k) => connect(i + k))));
  }
  return joined;
}

// Sends this process's share of the presses for `seconds`: every 10 ms a slice of its
// participants sends one press each, or (batched) the presses of their last `batchMs` in one.
async function press(people, seconds) {
  const count = batchMs > 0 ? Math.max(1, Math.round((rate * batchMs) / 1000)) : 1;
  const perTick = (people.length * rate) / count / 100;
  const ownBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let owed = 0, next = 0, packets = 0, presses = 0;
  // What is owed follows the clock, not the number of ticks: a tick that runs late (the
  // event loop busy reading frames) sends what the late ones missed, so the rate sent is
  // the rate asked for unless the load generator itself cannot keep up.
  const perMs = perTick / 10;
  const presser = setInterval(() => {
    owed = (performance.now() - t0) * perMs - packets;
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
  const elapsed = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(ownBefore);
  loopDelay.disable();
  return { presses, packets, count, elapsed, cpu: (own.user + own.system) / 1e6,
    lagP99: loopDelay.percentile(99) / 1e6, lagMax: loopDelay.max / 1e6 };
}

if (child != null) {  // a child: join, say so, press when told, report what its people heard
  const people = await joinSlice();
  process.send({ joined: people.length,
    presenceFrames: people.reduce((sum, p) => sum + p.presenceFrames, 0) });
  const { seconds: pressSeconds } = await new Promise((r) => process.once("message", r));
  people.forEach((p) => { p.frames = 0; p.counted = 0; });
  const pressed = await press(people, pressSeconds);
  await sleep(1500); // the last flush
  process.send({ ...pressed, frames: people.map((p) => p.frames),
    connected: people.filter((p) => p.socket.connected).length });
  await new Promise((r) => process.once("message", r));  // told to go
  people.forEach((p) => p.socket.close());
  process.exit(0);
}

const children = Array.from({ length: procs - 1 }, (_, i) =>
  fork(process.argv[1], [...process.argv.slice(2), "--event", eventId, "--child", String(i + 1)]));
const fromEach = () => Promise.all(children.map((c) => new Promise((resolve, reject) => {
  c.once("message", resolve);
  c.once("exit", (code) => code && reject(new Error(`load generator child exited ${code}`)));
})));
const started = Date.now();
const joinTicks = ticks();
const childrenJoined = fromEach();
const people = await joinSlice();
const childJoins = await childrenJoined;
const joinSeconds = (Date.now() - started) / 1000;
const joinCpu = serverPids.length ? (ticks() - joinTicks) / 100 / joinSeconds : NaN;
await sleep(2000); // let the join announcements drain
const presenceFrames = people.reduce((sum, p) => sum + p.presenceFrames, 0) +
  childJoins.reduce((sum, c) => sum + c.presenceFrames, 0);
const joinedCount = people.length + childJoins.reduce((sum, c) => sum + c.joined, 0);
console.log(`joined ${joinedCount} participants (${participantUpdates} participant updates) ` +
  `in ${joinSeconds.toFixed(1)} s (server CPU ${joinCpu.toFixed(2)} cores meanwhile); ` +
  `arrival frames received: ${presenceFrames} in all, ` +
  `${(presenceFrames / joinedCount).toFixed(1)} per participant`);
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

const cpuBefore = ticks();
const childrenPressed = fromEach();
children.forEach((c) => c.send({ seconds }));
const mine = await press(people, seconds);
clearInterval(chatter);
const cpuAfter = ticks();
await sleep(1500); // the last flush
const theirs = await childrenPressed;
const elapsed = mine.elapsed;
const presses = mine.presses + theirs.reduce((sum, c) => sum + c.presses, 0);
const packets = mine.packets + theirs.reduce((sum, c) => sum + c.packets, 0);
const count = mine.count;
const all = [mine, ...theirs];
const frameRates = [...people.map((p) => p.frames), ...theirs.flatMap((c) => c.frames)]
  .map((frames) => frames / elapsed);
const counted = people[people.length - 1].counted;
const cpu = serverPids.length ? ((cpuAfter - cpuBefore) / 100 / elapsed) : NaN;

console.log(JSON.stringify({
  participants: joinedCount, viewers, loadGeneratorProcesses: procs, pressesPerSecondEach: rate, seconds: Number(elapsed.toFixed(1)),
  pressesSent: presses, pressesPerSecond: Math.round(presses / elapsed),
  packetsPerSecond: Math.round(packets / elapsed), pressesPerPacket: count,
  reactionsCountedByOneViewer: counted,
  framesPerSecondPerClient: { mean: Number((frameRates.reduce((a, b) => a + b, 0) / frameRates.length).toFixed(2)),
    max: Number(Math.max(...frameRates).toFixed(2)) },
  serverCpuCores: Number(cpu.toFixed(2)),
  loadGenerator: { cpuCores: Number((all.reduce((sum, x) => sum + x.cpu, 0) / elapsed).toFixed(2)),
    busiestProcessCores: Number((Math.max(...all.map((x) => x.cpu)) / elapsed).toFixed(2)),
    eventLoopDelayP99Ms: Math.round(Math.max(...all.map((x) => x.lagP99))),
    eventLoopDelayMaxMs: Math.round(Math.max(...all.map((x) => x.lagMax))) },
  connected: people.filter((p) => p.socket.connected).length +
    theirs.reduce((sum, c) => sum + c.connected, 0),
  chat: { messages: latencies.length, p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)) },
  chatWithoutPresses: { seconds: quietSeconds, serverCpuCores: Number(quietCpu.toFixed(2)),
    messages: quietLatencies.length, p50Ms: Math.round(percentile(quietLatencies, 50)),
    p99Ms: Math.round(percentile(quietLatencies, 99)) },
}, null, 1));
children.forEach((c) => c.send({ go: true }));
people.forEach((p) => p.socket.close());
await sleep(200);
process.exit(0);
