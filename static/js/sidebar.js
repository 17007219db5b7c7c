// The sidebar, live (its markup: templates/partials/sidebar.html): new rooms, private
// conversations and their unread badges (cleared on every tab once read), events moving
// between "live" and "upcoming", and the unread badges of the rooms and event chats the page
// has not joined (it watches them: `sidebar:watch`, then `room:activity` per new message). `current` names the page's own conversation
// ("room:1", "conversation:42", "event:quiz"), which never counts as unread.
import { avatarElement } from "./avatars.js";
import { byData, el } from "./dom.js";
import { wireDrawer } from "./drawer.js";
import { request } from "./socket.js";
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
  if (!sidebar() || byData("#side-rooms .side-item", "room-id", room.id)) return false;
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
  return true;
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
  if (old && old.closest("ul") === list && !empty) return false;
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
  return Boolean(list && !empty && !old); // a new item: its badges start at nothing
}

const placeKey = (p) => (p.eventId != null ? `event:${p.eventId}` : `room:${p.roomId}`);
const WATCH_REFUSALS = new Set(["not_found", "banned", "forbidden"]);

// Keeps the badges of the rooms and event chats listed here but not joined live: the page
// watches them (`sidebar:watch`, again after each reconnect, whose acknowledgement resyncs
// every badge) and counts each `room:activity`, once per message (a mention of the viewer
// also arrives as `mention`). A room the viewer never opened counts mentions only, as the
// server's own badges do (page load, GET /api/unread).
function watchPlaces(socket, { current, me }) {
  const tracked = new Set(); // places with a read marker: their plain messages count
  const counted = new Set(); // "roomId:messageId" already in an unread badge
  const watched = new Set(); // places this connection watches
  const upTo = new Map(); // place -> newest message id its acknowledged badges include
  const listed = (selector, key) => [...document.querySelectorAll(`#sidebar ${selector}`)]
    .filter((li) => !li.classList.contains("current")).map((li) => li.dataset[key]);

  function apply(badges) {
    const key = placeKey(badges);
    if (key === current) return;
    if (badges.lastReadId != null) tracked.add(key);
    upTo.set(key, Number(badges.latestId) || 0);
    const li = placeItem(badges);
    setBadge(li, "unread", { count: badges.unread });
    setBadge(li, "mentions", { count: badges.mentions });
  }

  async function watch({ roomIds = [], eventIds = [] }) {
    const ids = { roomIds: roomIds.map(Number).filter((id) => !watched.has(`room:${id}`)),
      eventIds: eventIds.filter((id) => !watched.has(`event:${id}`)) };
    if (!socket.connected || !(ids.roomIds.length + ids.eventIds.length)) return;
    ids.roomIds.forEach((id) => watched.add(`room:${id}`));
    ids.eventIds.forEach((id) => watched.add(`event:${id}`));
    const ack = await request(socket, "sidebar:watch", ids);
    if (ack.ok) {
      ack.rooms.forEach(apply);
    } else if (WATCH_REFUSALS.has(ack.error?.code) && ids.roomIds.length + ids.eventIds.length > 1) {
      // One of them was taken from the viewer since the page was drawn (all or nothing on
      // the server): the others, one by one.
      ids.roomIds.forEach((id) => watched.delete(`room:${id}`));
      ids.eventIds.forEach((id) => watched.delete(`event:${id}`));
      for (const id of ids.roomIds) await watch({ roomIds: [id] });
      for (const id of ids.eventIds) await watch({ eventIds: [id] });
    }
  }

  const watchListed = () => {
    watched.clear(); // a new connection watches nothing yet
    watch({ roomIds: listed(".side-item[data-room-id]", "roomId"),
      eventIds: listed(".side-events .side-item[data-event-id]", "eventId") });
  };
  socket.on("connect", watchListed);
  if (socket.connected) watchListed();

  // A message the acknowledged badges already include.
  const stale = (p, messageId) => Number(messageId) <= (upTo.get(placeKey(p)) ?? 0);
  // Counts a message once; false if it already was.
  const count = (roomId, messageId) => {
    const key = `${roomId}:${messageId}`;
    if (counted.has(key)) return false;
    counted.add(key);
    return true;
  };
  socket.on("room:activity", (p) => {
    const key = placeKey(p);
    if (key === current || p.userId === me.userId || !tracked.has(key) || stale(p, p.messageId)) return;
    if (count(p.roomId, String(p.messageId))) setBadge(placeItem(p), "unread", { add: 1 });
  });
  return {
    watch,
    read: (p) => tracked.add(placeKey(p)),
    // Whether a mention is news: not if the acknowledged badges already counted it.
    fresh: (p) => !stale(p, p.message?.id),
    // A mention counts as unread too, unless its room:activity already did.
    mentioned: (p) => count(p.roomId, String(p.message?.id)),
  };
}

// Wires the drawer and follows the socket. `me`: the viewer (null when anonymous).
export function wireSidebar(socket, { current, me }) {
  wireDrawer();
  if (!sidebar()) return;
  showToggleBadge();
  const places = me ? watchPlaces(socket, { current, me }) : null;
  socket.on("rooms:new", (room) => {
    if (addRoom(room, current) && current !== `room:${room.id}`) places?.watch({ roomIds: [room.id] });
  });
  socket.on("events:update", (summary) => {
    if (upsertEvent(summary, current) && current !== `event:${summary.id}`) {
      places?.watch({ eventIds: [summary.id] });
    }
  });
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
    if (key === current || !places.fresh(p)) return;
    const li = placeItem(p);
    setBadge(li, "mentions", { add: 1 });
    if (places.mentioned(p)) setBadge(li, "unread", { add: 1 });
  });
  // Read on some tab or device: cleared everywhere.
  socket.on("room:read", (p) => {
    places.read(p);
    const li = placeItem(p);
    setBadge(li, "mentions", { count: 0 });
    setBadge(li, "unread", { count: 0 });
  });
  socket.on("conversation:read", (p) => {
    setBadge(byData("#side-conversations .side-item", "user-id", p.userId), "unread", { count: 0 });
  });
}
