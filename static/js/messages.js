// Message elements and the list that holds them. An element built here looks exactly like
// the server's `message_item` macro (templates/macros.html): change both together.
// Everything a user wrote goes in as text (textContent / text nodes), never as markup.
import { avatarElement, avatarImage } from "./avatars.js";
import { daySeparator, dayKey } from "./days.js";
import { attachmentsRow } from "./attachments.js";
import {
  actionsToolbar, editedMark, reactionsRow, replyQuote, textElement,
} from "./message-parts.js";
import { timeElement } from "./time.js";

export { avatarElement, avatarImage } from "./avatars.js";

export const DEFAULT_AVATAR = "/static/img/avatar.svg";
const GROUP_MS = 5 * 60 * 1000; // a run of messages by one person within 5 min is one group

// The avatar URL if it is safe for `src`, else the default picture.
export function safeAvatar(url) {
  return avatarImage(url) ?? DEFAULT_AVATAR;
}

function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

// The sender line, as the `sender` macro writes it: display name, @username, guest badge.
export function senderNodes({ username, displayName, isGuest }) {
  const nodes = [span("sender", displayName || username)];
  // Host-app users go by their name as both (it is what old clients show): no "@" twice.
  if (displayName && displayName !== username) nodes.push(" ", span("username", `@${username}`));
  if (isGuest) nodes.push(" ", span("badge", "guest"));
  return nodes;
}

// `m`: {id, userId, username, displayName?, isGuest?, avatar?, content, timestamp} and our
// additions where the server sends them: html, editedAt, reactions, replyTo, mentions.
// `can`: what the viewer may do with it ({react, reply, edit, del}); `meId` marks their
// reactions and the messages that mention them.
export function renderMessage(m, { mine = false, deletable = false, can = {}, meId = null } = {}) {
  const li = document.createElement("li");
  li.className = mine ? "message mine" : "message";
  if (meId != null && (m.mentions || []).includes(meId)) li.classList.add("mentions-me");
  li.id = `m${m.id}`;
  li.dataset.id = String(m.id);
  if (m.userId != null) li.dataset.userId = String(m.userId);
  li.dataset.username = m.username;
  li.dataset.time = m.timestamp;

  const body = document.createElement("div");
  body.className = "message-body";
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.append(...senderNodes(m), " ", timeElement(m.timestamp));
  if (m.editedAt) meta.append(" ", editedMark(m.editedAt));
  body.append(meta);
  if (m.replyTo) body.append(replyQuote(m.replyTo));
  if (m.content || !m.attachments?.length) body.append(textElement(m));
  if (m.attachments?.length) body.append(attachmentsRow(m.attachments));
  if (m.reactions?.length) body.append(reactionsRow(m.reactions, meId));
  li.append(avatarElement(m.avatar, 32, m), body);
  const bar = actionsToolbar(m, { ...can, del: deletable });
  if (bar) li.append(bar);
  return li;
}

// Our additions to a message payload, as renderMessage takes them.
export function featuresOf(p) {
  return { html: p.html ?? null, editedAt: p.editedAt ?? null, reactions: p.reactions ?? [],
    replyTo: p.replyTo ?? null, mentions: p.mentions ?? [], attachments: p.attachments ?? [] };
}

// How a payload names its author: its own displayName / isGuest / avatar where it carries
// them (they are optional extras on the wire), else what the page already knows (`known`).
export function authorOf(payload, known = {}) {
  const pick = (key) => (payload[key] !== undefined ? payload[key] : known?.[key]);
  return { displayName: pick("displayName") || null, isGuest: Boolean(pick("isGuest")),
    avatar: pick("avatar") || null };
}

const idOf = (li) => Number(li.dataset.id);

// The <ol id="messages">: one element per message id, kept in id order (ids grow with time),
// so the history of a join, a catch-up page and a live broadcast can all be merged into it.
export class MessageList {
  constructor(listEl, { emptyEl = null } = {}) {
    this.el = listEl;
    this.emptyEl = emptyEl;
    this.byId = new Map();
    for (const li of listEl.querySelectorAll("li.message[data-id]")) this.byId.set(idOf(li), li);
    // The server's separators go by UTC: draw them again in the viewer's zone.
    listEl.querySelectorAll("li.day-separator").forEach((li) => li.remove());
    this.decorate();
  }

  has(id) {
    return this.byId.has(Number(id));
  }

  get size() {
    return this.byId.size;
  }

  items() {
    return [...this.el.querySelectorAll("li.message[data-id]")];
  }

  get lastId() {
    const items = this.items();
    return items.length ? idOf(items[items.length - 1]) : null;
  }

  get firstId() {
    const first = this.el.querySelector("li.message[data-id]");
    return first ? idOf(first) : null;
  }

  // Adds a message element unless its id is already shown; returns it, or null if it was.
  insert(li) {
    const id = idOf(li);
    if (this.byId.has(id)) return null;
    const items = this.items();
    let before = null;
    // Usually newest (append) or oldest (prepend): walk from the nearer end.
    if (items.length && id < idOf(items[items.length - 1])) {
      before = items.find((item) => idOf(item) > id) ?? null;
    }
    if (before) before.before(li);
    else this.el.append(li);
    this.byId.set(id, li);
    this.decorate();
    this.updateEmpty();
    return li;
  }

  remove(id) {
    const li = this.byId.get(Number(id));
    if (!li) return false;
    li.remove();
    this.byId.delete(Number(id));
    this.decorate();
    this.updateEmpty();
    return true;
  }

  // A system line ("Ana was muted by Ben") at the end of the list; it breaks a group.
  notice(text) {
    const li = document.createElement("li");
    li.className = "system-notice";
    li.textContent = text;
    this.el.append(li);
    this.updateEmpty();
    return li;
  }

  nextMessage(li) {
    let next = li.nextElementSibling;
    while (next && !next.matches("li.message")) next = next.nextElementSibling;
    return next;
  }

  // Day separators (in the viewer's zone) before the first message of each day, and the
  // avatar and name shown only on the first message of a run by one person. One pass over
  // the list: it holds a few hundred messages at most.
  decorate() {
    const keep = new Set();
    let lastMessage = null; // for days: the previous message, whatever lies between
    let runFrom = null; // for runs: the previous message, unless a notice or line came between
    for (const child of [...this.el.children]) {
      if (!child.matches("li.message")) {
        if (!child.matches("li.day-separator")) runFrom = null;
        continue;
      }
      const day = dayKey(child.dataset.time);
      const newDay = !lastMessage || dayKey(lastMessage.dataset.time) !== day;
      if (newDay) {
        let separator = child.previousElementSibling;
        if (!(separator?.matches("li.day-separator") && separator.dataset.day === day)) {
          separator = daySeparator(child.dataset.time);
          child.before(separator);
        }
        keep.add(separator);
      }
      const continued = Boolean(!newDay && runFrom && runFrom.dataset.userId
        && runFrom.dataset.userId === child.dataset.userId
        && new Date(child.dataset.time) - new Date(runFrom.dataset.time) < GROUP_MS);
      child.classList.toggle("continued", continued);
      lastMessage = child;
      runFrom = child;
    }
    for (const separator of this.el.querySelectorAll("li.day-separator")) {
      if (!keep.has(separator)) separator.remove();
    }
  }

  // Kept for callers that regroup one element: the whole list is cheap to redo.
  regroup() {
    this.decorate();
  }

  updateEmpty() {
    if (this.emptyEl) this.emptyEl.hidden = this.el.childElementCount > 0;
  }

  // The "New messages" line before `li` (one at a time); `null` takes it away.
  markUnreadFrom(li) {
    this.el.querySelector("li.unread-line")?.remove();
    if (li) {
      const line = document.createElement("li");
      line.className = "unread-line";
      line.setAttribute("role", "separator");
      line.append(span("", "New messages"));
      li.before(line);
    }
    this.decorate();
  }

  get unreadLine() {
    return this.el.querySelector("li.unread-line");
  }

  // What the page already knows of a user from a message of theirs (avatar, display name,
  // guest badge), for live payloads that carry only the username.
  authorInfo(userId) {
    const items = this.el.querySelectorAll(`li.message[data-user-id="${CSS.escape(String(userId))}"]`);
    const li = items[items.length - 1];
    if (!li) return null;
    const username = li.dataset.username;
    const shown = li.querySelector(".sender")?.textContent;
    return {
      avatar: li.querySelector("img.avatar")?.getAttribute("src") ?? null,
      displayName: shown && shown !== username ? shown : null,
      isGuest: Boolean(li.querySelector(".meta .badge")),
    };
  }
}
