// Telling the server how far the viewer has read a room or an event's chat (`room:read`),
// so its unread and mention badges clear on every tab and device. Only while the tab is
// visible; a burst of messages makes one request.
import { request } from "./socket.js";

const SETTLE_MS = 800;

// `socket()`: the page's socket; `where`: {roomId} or {eventId}; `ready()`: joined and
// connected.
export function readMarker(socket, where, ready) {
  let timer = null;
  let pending = false;
  const send = () => {
    timer = null;
    if (document.visibilityState !== "visible" || !ready()) {
      pending = true;
      return;
    }
    pending = false;
    request(socket(), "room:read", where);
  };
  const seen = () => {
    if (!timer) timer = setTimeout(send, SETTLE_MS);
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && pending) seen();
  });
  return { seen };
}
