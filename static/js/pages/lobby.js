// The lobby, live: room counts and new rooms, events and their counts, who is online, unread
// private messages; and the create-room form over the socket (it also works without this).
import { byData, el } from "../dom.js";
import { freshParts, swapChildren } from "../fragments.js";
import { upsertEvent } from "../lobby-events.js";
import { avatarElement } from "../messages.js";
import { readPageData } from "../page-data.js";
import { presenceDot, setUserPresence } from "../presence.js";
import { wireRoomForm } from "../room-form.js";
import { connectSocket } from "../socket.js";
import { formatAll } from "../time.js";

const data = readPageData();
const me = data.me;
formatAll(document);

// --- rooms ----------------------------------------------------------------------------------

function setRoomCount(id, usersCount) {
  const count = byData(".count", "room-id", id);
  if (!count) return;
  count.dataset.count = String(usersCount);
  count.textContent = `${usersCount} online`;
}

function categorySection(category) {
  const existing = [...document.querySelectorAll("#room-categories .category")]
    .find((section) => section.dataset.category === category);
  if (existing) return existing.querySelector(".rooms");
  const container = document.getElementById("room-categories");
  const headingId = `cat-new-${container.children.length + 1}`;
  const list = el("ul", { className: "rooms" });
  const section = el("section", { className: "category" },
    el("h3", { id: headingId, textContent: category }), list);
  section.dataset.category = category;
  section.setAttribute("aria-labelledby", headingId);
  // Categories are listed alphabetically, as the server groups them.
  const after = [...container.children].find((other) => other.dataset.category > category);
  container.insertBefore(section, after ?? null);
  return list;
}

function addRoom(room) {
  if (byData(".room-item", "room-id", room.id)) {
    setRoomCount(room.id, room.usersCount);
    return;
  }
  const li = el("li", { className: "room-item" },
    el("a", { className: "room-name", href: `/rooms/${room.id}`, textContent: room.name }));
  li.dataset.roomId = String(room.id);
  if (room.isPrivate) li.append(" ", el("span", { className: "badge", textContent: "private" }));
  if (room.description) li.append(el("p", { className: "room-description", textContent: room.description }));
  const count = el("span", { className: "count count-dot", textContent: `${room.usersCount} online` });
  count.dataset.roomId = String(room.id);
  count.dataset.count = String(room.usersCount);
  li.append(count);
  categorySection(room.category || "general").append(li);
  document.getElementById("rooms-empty").hidden = true;
}

// --- people ---------------------------------------------------------------------------------

const onlineList = document.getElementById("online");

function setOnlineCount() {
  document.getElementById("online-count").textContent = String(onlineList.childElementCount);
  document.getElementById("online-empty").hidden = onlineList.childElementCount > 0;
}

function personLink(user, online) {
  const link = el("a", { className: "person-link", href: `/conversations/${encodeURIComponent(user.userId)}`,
    title: "Send a private message" },
  avatarElement(user.avatar, 24, user),
  el("span", { className: "name", textContent: user.displayName || user.username }),
  presenceDot(online));
  return link;
}

function userOnline(user) {
  setUserPresence(document, user.userId, true);
  if (byData("#online li", "user-id", user.userId)) return;
  const li = el("li", {}, personLink(user, true));
  li.dataset.userId = String(user.userId);
  onlineList.append(li);
  setOnlineCount();
}

function userOffline(userId) {
  byData("#online li", "user-id", userId)?.remove();
  setUserPresence(document, userId, false);
  setOnlineCount();
}

// --- private conversations ------------------------------------------------------------------

const conversations = document.getElementById("conversations");

// Who a user is, from the online list (for a payload that carries only their id).
function listedUser(userId) {
  const row = byData("#online li", "user-id", userId);
  if (!row) return null;
  return { userId, username: row.querySelector(".name")?.textContent.trim(),
    avatar: row.querySelector("img.avatar")?.getAttribute("src") };
}

function conversationItem(userId, user) {
  let li = byData(".conversation-item", "user-id", userId);
  const fallbackUser = user || listedUser(userId);
  if (li || !fallbackUser) return li;
  const online = Boolean(byData("#online li", "user-id", userId));
  const badge = el("span", { className: "unread", id: `unread-${userId}`, hidden: true });
  badge.dataset.userId = String(userId);
  li = el("li", { className: "conversation-item" }, personLink(fallbackUser, online), badge,
    el("p", { className: "preview" }));
  li.dataset.userId = String(userId);
  document.getElementById("conversations-empty").hidden = true;
  return li;
}

function setUnread(li, count) {
  const badge = li.querySelector(".unread");
  badge.dataset.count = String(count);
  badge.replaceChildren(String(count), el("span", { className: "visually-hidden", textContent: " unread" }));
  badge.hidden = count === 0;
  li.classList.toggle("has-unread", count > 0);
}

function unreadOf(li) {
  const badge = li.querySelector(".unread");
  return badge.hidden ? 0 : Number(badge.dataset.count ?? badge.firstChild?.textContent ?? 0) || 0;
}

function conversationMessage(userId, user, preview, { incoming }) {
  if (!conversations) return;
  const li = conversationItem(userId, user);
  if (!li) return;
  li.querySelector(".preview").textContent = preview;
  conversations.prepend(li); // most recent first
  if (incoming) setUnread(li, unreadOf(li) + 1);
}

// --- the socket -----------------------------------------------------------------------------

const LIVE_LISTS = ["room-categories", "live-events", "upcoming-events", "online", "conversations"];

// Each list's "nothing here" line, shown when the list is empty.
function showEmpties() {
  const pairs = [["room-categories", "rooms-empty"], ["live-events", "live-events-empty"],
    ["upcoming-events", "upcoming-events-empty"], ["online", "online-empty"],
    ["conversations", "conversations-empty"]];
  for (const [list, empty] of pairs) {
    const marker = document.getElementById(empty);
    if (marker) marker.hidden = (document.getElementById(list)?.childElementCount ?? 0) > 0;
  }
}

// This browser's own socket makes the user online, but the server tells only the others.
function showMeOnline() {
  if (!me || byData("#online li", "user-id", me.userId)) return;
  const li = el("li", {}, el("span", { className: "person-link" }, avatarElement(me.avatar, 24, me),
    el("span", { className: "name", textContent: `${me.displayName || me.username} (you)` }),
    presenceDot(true)));
  li.dataset.userId = String(me.userId);
  onlineList.prepend(li);
  setOnlineCount();
}

const socket = connectSocket({
  presence: () => ({ everyone: true }), // "who is online" lists everyone
  onConnect: async (_, { reconnected }) => {
    showMeOnline();
    if (!reconnected) return;
    // Everything may have moved while the link was down: take the lists as rendered now.
    try {
      const parts = await freshParts(LIVE_LISTS);
      for (const id of LIVE_LISTS) swapChildren(id, parts[id]);
      formatAll(document);
      showMeOnline();
      setOnlineCount();
      showEmpties();
    } catch (error) {
      console.warn("lobby refresh failed", error);
    }
  },
});

wireRoomForm(socket);

socket.on("rooms:list", (rooms) => rooms.forEach(addRoom));
socket.on("rooms:update", (payload) => setRoomCount(payload.id, payload.usersCount));
socket.on("rooms:new", addRoom);
socket.on("events:update", upsertEvent);
socket.on("user:online", userOnline);
socket.on("user:offline", (payload) => userOffline(payload.userId));

if (me) {
  socket.on("message:private", (payload) => {
    conversationMessage(payload.from, { userId: payload.from, username: payload.sender,
      avatar: payload.avatar, displayName: payload.displayName }, payload.content,
    { incoming: true });
  });
  socket.on("message:private:sent", (payload) => {
    conversationMessage(payload.to, null, `You: ${payload.content}`, { incoming: false });
  });
  socket.on("conversation:read", (payload) => {
    const li = byData(".conversation-item", "user-id", payload.userId);
    if (li) setUnread(li, 0);
  });
}

// A link to "#new-room" (the sidebar's "Create one") opens the folded form.
if (window.location.hash === "#new-room") {
  const details = document.getElementById("new-room");
  if (details) {
    details.open = true;
    details.querySelector("input:not([type=hidden])")?.focus();
  }
}
