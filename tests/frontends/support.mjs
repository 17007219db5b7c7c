// Shared by the front-end replays: waiting for state, recording events, the page's origin.
import assert from "node:assert/strict";

export { assert };

// Resolves once `check()` is truthy (polling: the replays keep React-like state, not events).
export async function until(check, what, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Every event a socket receives, for what the real page does not listen to (so the replay's
// own listeners stay exactly the page's).
export function recorder(socket) {
  const seen = [];
  socket.onAny((event, ...args) => seen.push([event, args[0]]));
  return {
    all: (event) => seen.filter(([name]) => name === event).map(([, data]) => data),
    find: (event, where = () => true) => seen.find(([name, data]) => name === event && where(data))?.[1],
  };
}

// A browser sends its page's origin with every request; Node sends none unless told.
export function originHeaders(origin) {
  return origin ? { Origin: origin } : {};
}

export function step(name) {
  process.stdout.write(`ok - ${name}\n`);
}
