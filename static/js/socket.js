// The page's one Socket.IO connection (same origin; the session cookie identifies the user)
// and the connection banner: "Reconnecting…" while the link is down, "Back online" once it
// is back. On every connection after the first, the page's `resync` runs (re-join, catch up).
// `io` is the vendored client, loaded as a classic script before the modules.

const BANNER_DELAY_MS = 800; // a blip shorter than this is not worth a banner
const BACK_ONLINE_MS = 3000;
const ACK_TIMEOUT_MS = 10000;

function banner() {
  return document.getElementById("connection-status");
}

function showBanner(text, state) {
  const el = banner();
  if (!el) return;
  el.textContent = text;
  el.dataset.state = state;
  el.hidden = false;
}

function hideBanner() {
  const el = banner();
  if (el) el.hidden = true;
}

// `onConnect(socket, {reconnected})` runs on every connection (the first one and each
// reconnection); `onDisconnect()` when the link drops. `presence()` says whose presence the
// page shows (`{everyone: true}` or `{userIds: [...]}`); it is sent as `presence:watch` on
// every connection, so the server sends user:online/offline/status only for those users
// (a page that shows nobody's presence watches nobody and hears none of them).
export function connectSocket({ onConnect, onDisconnect, presence } = {}) {
  // WebSocket first: a closed tab is noticed at once (a long-poll that the browser drops is
  // only noticed at the next ping, up to 45 s later, leaving a ghost "online"); polling is the
  // fallback where a proxy refuses WebSockets.
  const socket = window.io({ transports: ["websocket", "polling"], tryAllTransports: true });
  let everConnected = false;
  let leaving = false; // the page is being left: a closing socket is not an outage
  let pending = null;
  let backTimer = null;

  window.addEventListener("pagehide", () => { leaving = true; });
  window.addEventListener("pageshow", (event) => { if (event.persisted) leaving = false; });

  const offline = (text) => {
    clearTimeout(backTimer);
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      if (!socket.connected && !leaving) showBanner(text, "offline");
    }, BANNER_DELAY_MS);
  };

  socket.on("connect", () => {
    const reconnected = everConnected;
    everConnected = true;
    clearTimeout(pending);
    pending = null;
    if (reconnected && banner() && !banner().hidden) {
      showBanner("Back online", "online");
      backTimer = setTimeout(hideBanner, BACK_ONLINE_MS);
    } else {
      hideBanner();
    }
    socket.emit("presence:watch", presence?.() ?? { userIds: [] });
    onConnect?.(socket, { reconnected });
  });

  socket.on("disconnect", (reason) => {
    if (leaving || reason === "io client disconnect") return;
    onDisconnect?.();
    if (reason === "io server disconnect") {
      // The server closed it (signed out elsewhere): Socket.IO will not retry on its own.
      clearTimeout(pending);
      showBanner("Disconnected. Reload the page to reconnect.", "offline");
      return;
    }
    offline("Reconnecting…");
  });

  socket.on("connect_error", () => {
    if (!leaving) offline(everConnected ? "Reconnecting…" : "Cannot reach the server. Retrying…");
  });

  return socket;
}

// Emits `event` and resolves with its acknowledgement, or with a refusal when the link is
// down (`offline`: nothing is queued to go out later, so nothing is sent twice by a retry) or
// no answer comes (`timeout`). Never hangs, never rejects.
export function request(socket, event, ...args) {
  if (!socket.connected) {
    return Promise.resolve({ ok: false, error: { code: "offline",
      message: "You are offline. Wait until the connection is back, then try again." } });
  }
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, ...args, (err, ack) => {
      if (err) {
        resolve({ ok: false, error: { code: "timeout",
          message: "The server did not answer. Check your connection and try again." } });
      } else {
        resolve(ack ?? { ok: false, error: { code: "no_answer", message: "No answer." } });
      }
    });
  });
}
