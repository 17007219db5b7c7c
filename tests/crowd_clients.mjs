// A crowd for tests/test_mass_departure.py: COUNT stock socket.io-client sockets join one live
// event as guests (in batches), print "joined", then all leave at once when this process exits
// (on any line on stdin), as an audience closing its tabs at the end of a talk.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const { io } = require("socket.io-client");
const url = process.env.URL;
const count = Number(process.env.COUNT || 300);
const eventId = process.env.EVENT_ID;

function join(i) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    socket.on("connect", () => {
      socket.timeout(60000).emit("joinEvent", { eventId, username: `crowd${i}`,
        participantUpdates: "batched" }, (err, ack) => (err || !ack?.ok ? reject(err || ack) : resolve(socket)));
    });
    socket.on("connect_error", reject);
  });
}

for (let i = 0; i < count; i += 20) {
  await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => join(i + k)));
}
console.log("joined");
createInterface({ input: process.stdin }).once("line", () => process.exit(0));
