// The parts of a message element beyond its author line: the text (the server's Markdown
// rendering, `html`, else the raw text with its links), the "edited" mark, the quote of the
// message it answers, its reactions with who reacted, and the actions toolbar. The server's
// `message_item` macro writes the same markup: change both together.
import { appendLinkified } from "./linkify.js";
import { safeFragment } from "./safe-html.js";

// Who a user id is, for "Ana Lima, Ben Okafor reacted"; the page sets it (people it knows).
let nameOf = (userId) => null;
export function setNameResolver(resolver) {
  nameOf = resolver;
}

function span(className, text) {
  const el = document.createElement("span");
  if (className) el.className = className;
  el.textContent = text;
  return el;
}

function button(className, icon, label, title) {
  const el = document.createElement("button");
  el.type = "button";
  el.className = `message-action ${className}`;
  el.title = title;
  const shown = span("", icon);
  shown.setAttribute("aria-hidden", "true");
  el.append(shown, span("visually-hidden", label));
  return el;
}

// The text: Markdown as the server rendered it, or (an old server, a notice) plain text.
export function textElement(m) {
  if (typeof m.html === "string" && m.html) {
    const div = document.createElement("div");
    div.className = "text md";
    div.append(safeFragment(m.html));
    return div;
  }
  const p = document.createElement("p");
  p.className = "text";
  appendLinkified(p, m.content ?? "");
  return p;
}

export function editedMark(editedAt) {
  const mark = span("edited", "(edited)");
  mark.title = `Edited ${new Date(editedAt).toLocaleString()}`;
  return mark;
}

// `replyTo`: {id, userId, sender, excerpt, deleted}. A link to the original (the page loads
// older history to find it when it is not shown yet).
export function replyQuote(replyTo) {
  const link = document.createElement("a");
  link.className = "reply-quote";
  link.href = `#m${replyTo.id}`;
  link.dataset.replyTo = String(replyTo.id);
  link.append(span("reply-icon", "↪"));
  link.firstChild.setAttribute("aria-hidden", "true");
  if (replyTo.deleted) {
    link.append(span("reply-excerpt", "The original message was deleted"));
  } else {
    link.append(span("visually-hidden", "In reply to "),
      replySender(replyTo), " ",
      span("reply-excerpt", replyTo.excerpt || ""));
  }
  return link;
}

function replySender(replyTo) {
  const el = span("reply-sender", nameOf(replyTo.userId) || replyTo.sender || "");
  if (replyTo.userId != null) el.dataset.userId = String(replyTo.userId);
  return el;
}

// Server-rendered quotes name people by username: use the names the page knows.
export function nameReplySenders(root) {
  root.querySelectorAll(".reply-sender[data-user-id]").forEach((el) => {
    const name = nameOf(el.dataset.userId);
    if (name) el.textContent = name;
  });
}

export function whoReacted(userIds, meId) {
  const names = (userIds || []).map((id) => (id === meId ? "you" : nameOf(id) || "someone"));
  return names.join(", ");
}

// The reactions under a message: one toggle per emoji, pressed when it holds mine.
export function reactionsRow(reactions, meId) {
  const row = document.createElement("div");
  row.className = "reactions";
  row.hidden = !reactions?.length;
  for (const r of reactions || []) {
    const mine = meId != null && (r.userIds || []).includes(meId);
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = `reaction${mine ? " mine" : ""}`;
    toggle.dataset.emoji = r.emoji;
    toggle.dataset.userIds = (r.userIds || []).join(",");
    toggle.setAttribute("aria-pressed", String(mine));
    const who = whoReacted(r.userIds, meId);
    toggle.title = `${who} reacted with ${r.emoji}`;
    toggle.setAttribute("aria-label", `${r.emoji} ${r.count}: ${who}`);
    toggle.append(span("reaction-emoji", r.emoji), span("reaction-count", String(r.count)));
    row.append(toggle);
  }
  return row;
}

// The reactions a server-rendered row shows (to name who reacted once the page knows them).
export function readReactions(row) {
  return [...row.querySelectorAll(".reaction")].map((b) => ({ emoji: b.dataset.emoji,
    count: Number(b.querySelector(".reaction-count")?.textContent) || 0,
    userIds: (b.dataset.userIds || "").split(",").filter(Boolean) }));
}

export function setReactions(li, reactions, meId) {
  const fresh = reactionsRow(reactions, meId);
  const old = li.querySelector(".reactions");
  if (old) old.replaceWith(fresh);
  else li.querySelector(".message-body").append(fresh);
}

// An edit arrived: new text, the "edited" mark.
export function updateText(li, m) {
  li.querySelector(".message-body > .text")?.replaceWith(textElement(m));
  if (m.editedAt && !li.querySelector(".meta .edited")) {
    li.querySelector(".meta").append(" ", editedMark(m.editedAt));
  }
}

// `can`: {react, reply, edit, del}. Null when the viewer can do nothing here.
export function actionsToolbar(m, can) {
  if (!can.react && !can.reply && !can.edit && !can.del) return null;
  const bar = document.createElement("div");
  bar.className = "message-actions";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Message actions");
  const by = `message by ${m.displayName || m.username}`;
  if (can.react) bar.append(button("react-message", "☺", `React to ${by}`, "React"));
  if (can.reply) bar.append(button("reply-message", "↩", `Reply to ${by}`, "Reply"));
  if (can.edit) bar.append(button("edit-message", "✎", "Edit your message", "Edit"));
  if (can.del) bar.append(button("delete-message", "🗑", `Delete ${by}`, "Delete"));
  return bar;
}
