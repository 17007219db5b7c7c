// Message elements and the list that holds them. An element built here looks exactly like
// the server's `message_item` macro (templates/macros.html): change both together.
// Everything a user wrote goes in as text (textContent / text nodes), never as markup.
import { appendLinkified } from "./linkify.js";
import { timeElement } from "./time.js";

export const DEFAULT_AVATAR = "/static/img/avatar.svg";
const GROUP_MS = 5 * 60 * 1000; // a run of messages by one person within 5 min is one group

// The avatar URL if it is safe for `src` (http(s) or a path on this site), else the default:
// the same rule as the server's `safe_avatar`.
export function safeAvatar(url) {
  if (typeof url !== "string") return DEFAULT_AVATAR;
  const value = url.trim();
  if (!value || /[\s"'<>\\`]/.test(value) || value.startsWith("//")) return DEFAULT_AVATAR;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  return !scheme || ["http", "https"].includes(scheme[1].toLowerCase()) ? value : DEFAULT_AVATAR;
}

export function avatarElement(url, size = 32) {
  const img = document.createElement("img");
  img.className = "avatar";
  img.src = safeAvatar(url);
  img.alt = "";
  img.width = size;
  img.height = size;
  img.loading = "lazy";
  img.referrerPolicy = "no-referrer";
  return img;
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

// `m`: {id, userId, username, displayName?, isGuest?, avatar?, content, timestamp}.
export function renderMessage(m, { mine = false, deletable = false } = {}) {
  const li = document.createElement("li");
  li.className = mine ? "message mine" : "message";
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
  const text = document.createElement("p");
  text.className = "text";
  appendLinkified(text, m.content);
  body.append(meta, text);
  li.append(avatarElement(m.avatar), body);

  if (deletable) {
    const actions = document.createElement("div");
    actions.className = "message-actions";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "delete-message";
    button.append("Delete", span("visually-hidden", ` message by ${m.displayName || m.username}`));
    actions.append(button);
    li.append(actions);
  }
  return li;
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
    this.regroup(li);
    this.regroup(this.nextMessage(li));
    this.updateEmpty();
    return li;
  }

  remove(id) {
    const li = this.byId.get(Number(id));
    if (!li) return false;
    const next = this.nextMessage(li);
    li.remove();
    this.byId.delete(Number(id));
    this.regroup(next);
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

  // Shows the avatar and name only on the first message of a run by one person.
  regroup(li) {
    if (!li) return;
    const prev = li.previousElementSibling;
    const continued = Boolean(prev && prev.matches("li.message")
      && prev.dataset.userId && prev.dataset.userId === li.dataset.userId
      && new Date(li.dataset.time) - new Date(prev.dataset.time) < GROUP_MS);
    li.classList.toggle("continued", continued);
  }

  updateEmpty() {
    if (this.emptyEl) this.emptyEl.hidden = this.el.childElementCount > 0;
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
      avatar: li.querySelector("img.avatar")?.getAttribute("src"),
      displayName: shown && shown !== username ? shown : null,
      isGuest: Boolean(li.querySelector(".meta .badge")),
    };
  }
}
