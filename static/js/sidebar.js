// The sidebar, live (its markup: templates/partials/sidebar.html): new rooms, private
// conversations and their unread badges (cleared on every tab once read), events moving
// between "live" and "upcoming". `current` names the page's own conversation
// ("room:1", "conversation:42", "event:quiz"), which never counts as unread.
import { avatarElement } from "./avatars.js";
import { byData, el } from "./dom.js";
import { wireDrawer } from "./drawer.js";
import { timeElement } from "./time.js";

const sidebar = () => document.getElementById("sidebar");

function badge(kind, count = 0) {
  const span = el("span", { className: `side-badge side-${kind}` });
  span.dataset.kind = kind;
  setBadgeCount(span, count);
  return span;
}

function setBadgeCount(span, count) {
  span.dataset.count = String(count);
  span.replaceChildren(`${span.dataset.kind === "mentions" ? "@" : ""}${count}`,
    el("span", { className: "visually-hidden",
      textContent: span.dataset.kind === "mentions" ? " mentioning you" : " unread" }));
  span.hidden = count <= 0;
  span.closest(".side-item")?.classList.toggle("has-unread",
    [...span.closest(".side-item").querySelectorAll(".side-badge")].some((b) => !b.hidden));
}

// Sets (`count`) or adds to (`add`) an item's badge of `kind` ("unread" or "mentions").
export function setBadge(item, kind, { count = null, add = 0 } = {}) {
  const span = item?.querySelector(`.side-badge[data-kind="${kind}"]`);
  if (!span) return;
  const next = count ?? (Number(span.dataset.count) || 0) + add;
  setBadgeCount(span, Math.max(0, next));
  showToggleBadge();
}

// The phone's "Chats" button shows a dot while anything in the drawer is unread.
function showToggleBadge() {
  const dot = document.getElementById("sidebar-toggle-badge");
  if (dot) dot.hidden = !sidebar()?.querySelector(".side-item:not(.current) .side-badge:not([hidden])");
}

function item(key, value, href, current, ...content) {
  const li = el("li", { className: "side-item" }, el("a", { href }, ...content));
  li.dataset[key] = String(value);
  if (current) {
    li.classList.add("current");
    li.firstChild.setAttribute("aria-current", "page");
  }
  return li;
}

export function roomItem(room, current = false) {
  return item("roomId", room.id, `/rooms/${room.id}`, current,
    el("span", { className: "side-icon", textContent: room.isPrivate ? "🔒" : "#",
      ariaHidden: "true" }),
    el("span", { className: "side-name", textContent: room.name }),
    badge("unread"), badge("mentions"));
}

// The sidebar item of a room or an event's chat.
function placeItem({ roomId, eventId }) {
  if (eventId != null) return byData("#sidebar .side-events .side-item", "event-id", eventId);
  return byData("#side-rooms .side-item", "room-id", roomId);
}

function addRoom(room, current) {
  if (!sidebar() || byData("#side-rooms .side-item", "room-id", room.id)) return;
  const category = room.category || "general";
  const rooms = document.getElementById("side-rooms");
  let list = byData("#side-rooms ul.side-list", "category", category);
  if (!list) {
    const heading = el("h3", { className: "side-category", textContent: category });
    heading.dataset.category = category;
    list = el("ul", { className: "side-list" });
    list.dataset.category = category;
    // Categories in alphabetical order, as the server sorts them.
    const after = [...rooms.querySelectorAll("h3.side-category")].find((h) => h.dataset.category > category);
    rooms.insertBefore(heading, after ?? null);
    heading.after(list);
  }
  list.append(roomItem(room, current === `room:${room.id}`));
  document.getElementById("side-rooms-empty").hidden = true;
}

function conversationItem(user, current) {
  const list = document.getElementById("side-conversations");
  if (!list) return null;
  let li = byData("#side-conversations .side-item", "user-id", user.userId);
  if (!li && user.username) {
    li = item("userId", user.userId, `/conversations/${encodeURIComponent(user.userId)}`,
      current === `conversation:${user.userId}`, avatarElement(user.avatar, 20, user),
      el("span", { className: "side-name", textContent: user.displayName || user.username }),
      badge("unread"));
    document.getElementById("side-conversations-empty").hidden = true;
  }
  if (li) list.prepend(li); // most recent first
  return li;
}

function upsertEvent(summary, current) {
  const old = byData("#sidebar .side-events .side-item", "event-id", summary.id);
  const list = document.getElementById(`side-events-${summary.status}`);
  const empty = summary.adHoc && summary.status === "live" && !summary.participantCount;
  if (old && old.closest("ul") === list && !empty) return;
  old?.remove();
  if (list && !empty) {
    const live = summary.status === "live";
    const icon = el("span", { className: `side-icon${live ? " side-live" : ""}`,
      textContent: live ? "●" : "◷", ariaHidden: "true" });
    const meta = el("span", { className: "side-meta" },
      live ? "live" : timeElement(summary.startsAt, "datetime"));
    list.prepend(item("eventId", summary.id, `/events/${encodeURIComponent(summary.id)}`,
      current === `event:${summary.id}`, icon,
      el("span", { className: "side-name", textContent: summary.name }),
      badge("unread"), badge("mentions"), meta));
  }
  const anything = document.querySelector("#sidebar .side-events .side-item");
  const emptyLine = document.getElementById("side-events-empty");
  if (emptyLine) emptyLine.hidden = Boolean(anything);
}

// Wires the drawer and follows the socket. `me`: the viewer (null when anonymous).
export function wireSidebar(socket, { current, me }) {
  wireDrawer();
  if (!sidebar()) return;
  showToggleBadge();
  socket.on("rooms:new", (room) => addRoom(room, current));
  socket.on("events:update", (summary) => upsertEvent(summary, current));
  if (!me) return;
  socket.on("message:private", (p) => {
    const li = conversationItem({ userId: p.from, username: p.sender, displayName: p.displayName,
      avatar: p.avatar }, current);
    if (current !== `conversation:${p.from}`) setBadge(li, "unread", { add: 1 });
  });
  socket.on("message:private:sent", (p) => conversationItem({ userId: p.to }, current));
  // Someone named the viewer somewhere else: that room's badges count it.
  socket.on("mention", (p) => {
    const key = p.eventId != null ? `event:${p.eventId}` : `room:${p.roomId}`;
    if (key === current) return;
    const li = placeItem(p);
    setBadge(li, "mentions", { add: 1 });
    setBadge(li, "unread", { add: 1 });
  });
  // Read on some tab or device: cleared everywhere.
  socket.on("room:read", (p) => {
    const li = placeItem(p);
    setBadge(li, "mentions", { count: 0 });
    setBadge(li, "unread", { count: 0 });
  });
  socket.on("conversation:read", (p) => {
    setBadge(byData("#side-conversations .side-item", "user-id", p.userId), "unread", { count: 0 });
  });
}
