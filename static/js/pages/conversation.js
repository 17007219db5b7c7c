// A private conversation: messages both ways (from any of my tabs too), typing both ways,
// the peer's presence, and telling the server what has been read (badges clear everywhere).
import { ChatView } from "../chat-view.js";
import { authorOf, featuresOf } from "../messages.js";
import { Composer } from "../composer.js";
import { readPageData } from "../page-data.js";
import { setPresence } from "../presence.js";
import { wireSidebar } from "../sidebar.js";
import { connectSocket, request } from "../socket.js";
import { TypingIndicator, TypingSender } from "../typing.js";

const data = readPageData();
const me = data.me;
const peer = data.peer;
// page_data names the peer by username; the heading shows their display name and badge.
const title = document.querySelector(".peer-title");
const peerShown = title?.querySelector(".peer-name")?.textContent.trim() || peer.username;
const peerDisplayName = peerShown !== peer.username ? peerShown : null;
const peerIsGuest = Boolean(title?.querySelector(".badge"));
const typing = new TypingIndicator(document.getElementById("typing"));

// A message payload without an id (an old server) is known by its time and text instead.
const signatures = new Set();
const signature = (p) => `${p.timestamp}|${p.content}`;

const view = new ChatView({
  apiUrl: `/api/conversations/${encodeURIComponent(peer.userId)}/messages`,
  nextBefore: data.nextBefore,
  normalize: (p) => {
    const fromMe = p.from === me.userId || (p.from == null && p.to === peer.userId);
    const author = fromMe ? me
      : { ...peer, displayName: peerDisplayName, isGuest: peerIsGuest };
    // Only the peer's own payloads describe the peer; mine describe the recipient, not me.
    return { id: p.id, userId: author.userId, username: author.username,
      ...(fromMe ? authorOf({}, me) : authorOf(p, author)),
      content: p.content, timestamp: p.timestamp, ...featuresOf(p) };
  },
  meId: me.userId,
  lastReadId: data.lastReadId ?? null,
  isMine: (m) => m.userId === me.userId,
  canDelete: () => false,
  onDelete: async () => false,
});

function add(payloads, options) {
  const fresh = payloads.filter((p) => {
    if (p.id != null) return true;
    const key = signature(p);
    if (signatures.has(key)) return false;
    signatures.add(key);
    return true;
  }).map((p) => (p.id != null ? p : { ...p, id: syntheticId(p) }));
  return view.add(fresh, options);
}

// Id-less payloads sort after everything shown (they are the newest), in arrival order.
let synthetic = Number.MAX_SAFE_INTEGER - 1e6;
function syntheticId() {
  synthetic += 1;
  return synthetic;
}

// --- reading ------------------------------------------------------------------------------

let unseen = false;
function markRead() {
  if (document.visibilityState !== "visible" || !socket.connected) {
    unseen = true;
    return;
  }
  unseen = false;
  request(socket, "conversation:read", { userId: peer.userId });
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && unseen) markRead();
});

// --- the socket -----------------------------------------------------------------------------

let socket = null;
const sender = new TypingSender((isTyping) => {
  if (socket?.connected) socket.emit("user:typing:private", { to: peer.userId, isTyping });
});
const composer = new Composer({
  send: async (text) => {
    const ack = await request(socket, "message:private", { to: peer.userId, message: text });
    if (ack.ok) add([{ ...ack.message, from: me.userId }], { live: true });
    return ack;
  },
  onTyping: (hasText) => sender.input(hasText),
});

socket = connectSocket({
  presence: () => ({ userIds: [peer.userId] }),
  onConnect: async (_, { reconnected }) => {
    composer.setEnabled(true);
    if (reconnected) await view.catchUpFrom(view.lastId);
    markRead();
  },
  onDisconnect: () => {
    typing.clearAll();
    composer.setEnabled(false, "Reconnecting…");
  },
});
composer.setEnabled(false, "Connecting…");
wireSidebar(socket, { current: `conversation:${peer.userId}`, me });

socket.on("message:private", (payload) => {
  if (payload.from !== peer.userId) return;
  typing.clear(peer.userId);
  add([payload], { live: true });
  markRead();
});

socket.on("message:private:sent", (payload) => {
  if (payload.to === peer.userId) add([{ ...payload, from: me.userId }], { live: true });
});

socket.on("user:typing:private", (payload) => {
  if (payload.from !== peer.userId) return;
  typing.set(peer.userId, peerShown, payload.isTyping);
});

const presenceEl = document.getElementById("peer-presence");
function showPresence(online) {
  setPresence(presenceEl.querySelector(".presence"), online);
  presenceEl.querySelector(".presence-label").textContent = online ? "Online" : "Offline";
}
socket.on("user:online", (payload) => { if (payload.userId === peer.userId) showPresence(true); });
socket.on("user:offline", (payload) => {
  if (payload.userId !== peer.userId) return;
  showPresence(false);
  typing.clear(peer.userId);
});
