// After a reconnect: fetch every message newer than the newest one shown, following the
// server's `nextAfter` cursor until it is null. The caller keys messages by id, so whatever
// the re-join's history already delivered is not shown twice.
import { getJSON } from "./api.js";

export async function catchUp(url, afterId, onMessages, { limit = 100 } = {}) {
  let after = afterId;
  while (after != null) {
    const body = await getJSON(`${url}?after=${encodeURIComponent(after)}&limit=${limit}`);
    if (body.messages.length) onMessages(body.messages); // oldest first
    if (body.nextAfter === after) break; // a cursor that does not move would loop forever
    after = body.nextAfter;
  }
}

// One older page for scroll-up: `{messages: [newest first], nextBefore}`.
export function fetchOlder(url, before, limit = 50) {
  return getJSON(`${url}?before=${encodeURIComponent(before)}&limit=${limit}`);
}
