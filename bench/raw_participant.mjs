// A participant for bench/reactions.mjs that speaks Engine.IO 4 / Socket.IO 5 over a bare
// WebSocket (the `ws` package socket.io-client itself uses), without socket.io-client's
// per-frame work: the server sees the same frames a stock client sends, but the load
// generator reads an incoming frame by its first bytes instead of decoding it, and sends
// packets encoded once. With 5,000 stock clients in one Node process beside the server, the
// load generator, not the server, was what limited the run (its event loop lagging 250 ms);
// the chatters, whose latency is the figure, stay stock socket.io-client sockets.
//
// Enough of the protocol for a participant that joins, presses and listens: the handshake
// (open packet, namespace connect), pings answered, one acknowledged emit (joinEvent), plain
// emits, and events counted by name. Anything else the server sends is ignored, as a page
// that does not listen for it would.
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/package.json", import.meta.url));
const WebSocket = require("ws");

const PING = "2";
const PONG = "3";
const EVENT = 0x32; // "2": a Socket.IO EVENT after the Engine.IO MESSAGE "4"
const MESSAGE = 0x34;
const NAMES = ["reactions", "participantsChanged", "userJoined", "userLeft"];
// How a frame of each counted event starts: 42["name"
const PREFIXES = NAMES.map((name) => [name, Buffer.from(`42["${name}"`, "latin1")]);

const encoded = new Map(); // the same press packet is sent thousands of times: encode it once
const packet = (name, payload) => {
  const key = `${name}\u0000${JSON.stringify(payload)}`;
  let text = encoded.get(key);
  if (text === undefined) {
    text = `42${JSON.stringify([name, payload])}`;
    if (encoded.size < 1000) encoded.set(key, text);
  }
  return text;
};

function eventName(data) {
  if (data.length < 4 || data[0] !== MESSAGE || data[1] !== EVENT) return null;
  for (const [name, prefix] of PREFIXES) {
    if (data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) {
      return name;
    }
  }
  return null;
}

// Connects, joins `joining` (the joinEvent payload) and resolves with the participant's state
// once the join is acknowledged: {socket: {emit, close, connected}, frames, counted,
// presenceFrames}. `sumCounts` decodes each reactions frame to add up its counts (only the
// viewer whose total is reported needs it).
export function connectRaw(url, joining, { timeoutMs = 120000, sumCounts = false } = {}) {
  const address = `${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(address, { perMessageDeflate: false, skipUTF8Validation: true });
    const state = {
      frames: 0, counted: 0, presenceFrames: 0,
      socket: {
        emit: (name, payload) => { if (ws.readyState === WebSocket.OPEN) ws.send(packet(name, payload)); },
        close: () => ws.close(),
        get connected() { return ws.readyState === WebSocket.OPEN; },
      },
    };
    let phase = "open"; // open -> namespace -> joining -> joined
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`join timed out (${phase})`)); }, timeoutMs);
    const fail = (error) => { clearTimeout(timer); ws.terminate(); reject(error); };
    ws.on("error", fail);
    ws.on("message", (data) => {
      if (phase === "joined") {
        if (data.length === 1 && data[0] === PING.charCodeAt(0)) { ws.send(PONG); return; }
        const name = eventName(data);
        if (name === "reactions") {
          state.frames += 1;
          if (sumCounts) {
            const counts = JSON.parse(data.toString("utf8", 2))[1].counts;
            for (const n of Object.values(counts)) state.counted += n;
          }
        } else if (name) {
          state.presenceFrames += 1;
        }
        return;
      }
      const text = data.toString("utf8");
      if (text === PING) { ws.send(PONG); return; }
      if (phase === "open" && text.startsWith("0")) {
        phase = "namespace";
        ws.send("40");
      } else if (phase === "namespace" && text.startsWith("40")) {
        phase = "joining";
        ws.send(`420${JSON.stringify(["joinEvent", joining])}`);
      } else if (phase === "namespace" && text.startsWith("44")) {
        fail(new Error(`connect refused: ${text}`));
      } else if (phase === "joining" && text.startsWith("430")) {
        const [ack] = JSON.parse(text.slice(3));
        if (!ack?.ok) { fail(new Error(`join refused: ${text}`)); return; }
        phase = "joined";
        clearTimeout(timer);
        resolve(state);
      } else if (phase === "joining" && eventName(data)) {
        state.presenceFrames += 1; // an arrival announced before our own acknowledgement
      }
    });
  });
}
