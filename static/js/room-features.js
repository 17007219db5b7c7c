// The room page's message features: reactions, replies and edits through each message's
// toolbar (room:message:react / room:message:edit, replyTo on room:message), names for who
// reacted and whom a reply quotes, "@" autocomplete, and what a mention of the viewer does
// (a highlight, a notification when the tab is hidden, the notification offer once).
import { describeError } from "./errors.js";
import { wireMessageFeatures } from "./message-features.js";
import { setNameResolver } from "./message-parts.js";
import { markMentions, wireMentionAutocomplete } from "./mentions.js";
import { notifyMention, offerNotifications } from "./notify.js";
import { request } from "./socket.js";

// `socket()`: the page's socket (made after this is wired). Returns `arrived(m, li)`, for
// each live message from someone else.
export function wireRoomFeatures({ view, composer, people, me, roomId, socket }) {
  const list = view.list.el;
  const roomName = document.querySelector("h1")?.firstChild?.textContent.trim() || "a room";
  const offer = () => offerNotifications(document.getElementById("composer-form"));

  setNameResolver((userId) => (me && userId === me.userId ? me.displayName || me.username : null)
    || people.info(userId)?.displayName || people.row(userId)?.dataset.username
    || view.list.authorInfo(userId)?.displayName
    || list.querySelector(`li.message[data-user-id="${CSS.escape(String(userId))}"]`)?.dataset.username);
  view.nameReactions();

  if (me) {
    list.querySelectorAll("li.message .text").forEach((el) => markMentions(el, me.username));
    if (list.querySelector("li.mentions-me")) offer();
    // Everyone the page knows: the people list and the authors of what it shows.
    wireMentionAutocomplete(document.getElementById("composer"), () => {
      const found = new Map();
      document.querySelectorAll("#people li[data-user-id], #messages li.message[data-user-id]")
        .forEach((el) => {
          if (el.dataset.userId === me.userId || found.has(el.dataset.username)) return;
          found.set(el.dataset.username, { username: el.dataset.username,
            displayName: el.dataset.displayName || el.querySelector(".sender")?.textContent || null });
        });
      return [...found.values()].sort((a, b) => a.username.localeCompare(b.username));
    });
  }

  wireMessageFeatures(view, {
    react: async (messageId, emoji) => {
      const ack = await request(socket(), "room:message:react", { roomId, messageId, emoji });
      if (!ack.ok) composer.showError(describeError(ack.error));
      else if (ack.reactions) view.applyReactions(messageId, ack.reactions);
    },
    edit: async (messageId, message) => {
      const ack = await request(socket(), "room:message:edit", { roomId, messageId, message });
      if (ack.ok && ack.message) view.applyUpdate(ack.message);
      return ack;
    },
    reply: (li) => {
      composer.setReply({ id: Number(li.dataset.id),
        name: li.querySelector(".sender")?.textContent || li.dataset.username,
        excerpt: (li.querySelector(".text")?.textContent || "").trim().slice(0, 80) });
      composer.focus();
    },
    rawText: (id) => view.rawText(id),
  });

  return (m, li) => {
    if (!me) return;
    markMentions(li?.querySelector(".text"), me.username);
    if (!(m.mentions || []).includes(me.userId)) return;
    notifyMention(m, roomName);
    offer(); // the first time someone names the viewer is when the offer makes sense
  };
}
