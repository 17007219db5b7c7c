// A community room: joins it over the socket, shows what arrives, sends what is typed, and
// keeps the people list, typing line and moderation state current.
import { ChatView } from "../chat-view.js";
import { authorOf, featuresOf } from "../messages.js";
import { readMarker } from "../reads.js";
import { wireRoomFeatures } from "../room-features.js";
import { Uploader } from "../uploads.js";
import { Composer } from "../composer.js";
import { readPageData } from "../page-data.js";
import { freshParts } from "../fragments.js";
import { PeopleList } from "../people.js";
import { wireModeration } from "../moderation.js";
import { wireSideToggle } from "../side-toggle.js";
import { wireSidebar } from "../sidebar.js";
import { connectSocket, request } from "../socket.js";
import { describeError } from "../errors.js";
import { Posting } from "../posting.js";
import { shortTime } from "../time.js";
import { TypingIndicator, TypingSender } from "../typing.js";

const data = readPageData();
const me = data.me;
const roomId = data.roomId;
let canModerate = Boolean(data.canModerate);

const people = new PeopleList(document.getElementById("people"), {
  me, canModerate, emptyEl: document.getElementById("people-empty"),
});
const peopleError = document.getElementById("people-error");
const typing = new TypingIndicator(document.getElementById("typing"));
const countEl = document.getElementById("users-count");
wireSideToggle();

const nameOf = (userId, username) => people.info(userId)?.displayName || username;

const view = new ChatView({
  apiUrl: `/api/rooms/${roomId}/messages`,
  nextBefore: data.nextBefore,
  normalize: (p) => {
    const known = (me && p.userId === me.userId ? me : null)
      || people.info(p.userId) || view?.list.authorInfo(p.userId) || {};
    return { id: p.id, userId: p.userId, username: p.sender, ...authorOf(p, known),
      content: p.content, timestamp: p.timestamp, ...featuresOf(p) };
  },
  isMine: (m) => me != null && m.userId === me.userId,
  can: (m) => ({ react: me != null, reply: me != null, edit: me != null && m.userId === me.userId }),
  meId: me?.userId ?? null,
  lastReadId: data.lastReadId ?? null,
  onArrive: (m, li) => {
    if (!me || m.userId === me.userId) return;
    reads.seen();
    arrived(m, li);
  },
  canDelete: (m) => canModerate || (me != null && m.userId === me.userId),
  onDelete: async (messageId) => {
    const ack = await request(socket, "room:message:delete", { roomId, messageId });
    if (!ack.ok) composer.showError(describeError(ack.error));
    return ack.ok;
  },
});

let socket = null;
const sender = new TypingSender((isTyping) => {
  if (posting.joined && socket?.connected) socket.emit("user:typing", { roomId, isTyping });
});
let sessionToken = null; // the socket session's token: the bearer of uploads
const uploads = new Uploader({ token: () => sessionToken });
const composer = new Composer({
  send: async (text, replyTo) => {
    if (uploads.busy) {
      return { ok: false, error: { code: "uploading", message: "Wait until the files have uploaded." } };
    }
    const payload = { roomId, message: text };
    if (replyTo != null) payload.replyTo = replyTo;
    const files = uploads.ready;
    if (files.length) payload.attachments = files;
    const ack = await request(socket, "room:message", payload);
    if (ack.ok) {
      view.add([ack.message], { live: true });
      uploads.clear();
    }
    return ack;
  },
  hasFiles: () => uploads.ready.length > 0,
  onTyping: (hasText) => sender.input(hasText),
  errorContext: () => ({ slowMode: posting.slowMode }),
});

// --- reactions, replies, edits, mentions ---------------------------------------------------

const arrived = wireRoomFeatures({ view, composer, people, me, roomId, socket: () => socket });

// --- what the composer may do ---------------------------------------------------------------

const posting = new Posting({ composer, me, place: "room", isConnected: () => Boolean(socket?.connected) });
const reads = readMarker(() => socket, { roomId }, () => posting.joined && Boolean(socket?.connected));

// --- joining ----------------------------------------------------------------------------------

async function join({ reconnected }) {
  if (!me || posting.removed) return;
  const before = view.lastId;
  const ack = await posting.join(() => request(socket, "room:join", { roomId }));
  if (!ack) return;
  view.addHistory(ack.messages || []);
  if (reconnected) await view.catchUpFrom(before);
  reads.seen();
}

// --- the socket -----------------------------------------------------------------------------

socket = connectSocket({
  presence: () => ({ userIds: people.userIds() }),
  onConnect: (_, { reconnected }) => join({ reconnected }),
  onDisconnect: () => { typing.clearAll(); posting.disconnected(); },
});
posting.refresh();
wireSidebar(socket, { current: `room:${roomId}`, me });

const here = (payload) => Number(payload?.roomId) === roomId;
const isMe = (userId) => me != null && userId === me.userId;

socket.on("room:message:new", (payload) => {
  if (!here(payload)) return;
  typing.clear(payload.message.userId);
  view.add([payload.message], { live: true });
});

socket.on("room:message:deleted", (payload) => {
  if (here(payload)) view.remove(payload.messageId);
});

// An edit: {roomId, message} (the whole message, as room:message:new carries it).
socket.on("user:session", (payload) => { sessionToken = payload.token ?? sessionToken; });

socket.on("room:message:updated", (payload) => {
  if (here(payload)) view.applyUpdate(payload.message ?? payload);
});

socket.on("room:message:reactions", (payload) => {
  if (here(payload)) view.applyReactions(payload.messageId, payload.reactions || []);
});

socket.on("user:typing", (payload) => {
  if (here(payload) && !isMe(payload.userId)) {
    typing.set(payload.userId, nameOf(payload.userId, payload.username), payload.isTyping);
  }
});

socket.on("room:user:joined", (payload) => {
  if (!here(payload)) return;
  people.joined(payload.user);
  socket.emit("presence:watch", { userIds: [payload.user.userId] });
});

socket.on("room:user:left", (payload) => {
  if (!here(payload)) return;
  typing.clear(payload.userId);
  if (!isMe(payload.userId)) people.left(payload.userId);
});

socket.on("rooms:update", (payload) => {
  if (Number(payload.id) !== roomId || !countEl) return;
  countEl.dataset.count = String(payload.usersCount);
  countEl.textContent = `${payload.usersCount} online`;
  // Someone came or went while this page was not listening (between the server rendering it
  // and the socket joining, or while the link was down): the count says so.
  if (payload.usersCount !== people.inRoomCount()) resyncPeopleSoon();
});

// The people list as the server renders it now.
let resyncTimer = null;
function resyncPeopleSoon() {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(async () => {
    try {
      const { people: fresh } = await freshParts(["people"]);
      if (fresh) {
        people.replaceRows(fresh);
        socket.emit("presence:watch", { userIds: people.userIds() });
      }
    } catch (error) {
      console.warn("people list refresh failed", error);
    }
  }, 400);
}

socket.on("user:online", (payload) => people.setOnline(payload.userId, true));
socket.on("user:offline", (payload) => {
  people.setOnline(payload.userId, false);
  typing.clear(payload.userId);
});

// --- moderation -------------------------------------------------------------------------------

const byName = (payload) => (payload.by ? ` by ${nameOf(payload.by.userId, payload.by.username)}` : "");

socket.on("room:user:kicked", (payload) => {
  if (!here(payload)) return;
  if (isMe(payload.userId)) {
    people.left(payload.userId);
    view.notice(`You were removed from this room${byName(payload)}.`);
    posting.removedAs("kicked");
  } else {
    people.left(payload.userId);
    view.notice(`${nameOf(payload.userId, payload.username)} was removed${byName(payload)}.`);
  }
});

socket.on("room:user:banned", (payload) => {
  if (!here(payload)) return;
  const reason = payload.reason ? ` (${payload.reason})` : "";
  if (isMe(payload.userId)) {
    people.left(payload.userId);
    view.notice(`You were banned from this room${byName(payload)}${reason}.`);
    posting.removedAs("banned");
  } else {
    people.left(payload.userId);
    view.notice(`${nameOf(payload.userId, payload.username)} was banned${byName(payload)}${reason}.`);
  }
});

socket.on("room:user:unbanned", (payload) => {
  if (here(payload) && isMe(payload.userId)) {
    view.notice("Your ban here was lifted. Reload the page to join again.");
  }
});

socket.on("room:user:muted", (payload) => {
  if (!here(payload)) return;
  const until = new Date(payload.until);
  if (isMe(payload.userId)) {
    view.notice(`You were muted until ${shortTime(until)}${byName(payload)}.`);
    posting.muteUntil(payload.until);
  } else {
    view.notice(`${nameOf(payload.userId, payload.username)} was muted until ${shortTime(until)}${byName(payload)}.`);
  }
});

socket.on("room:user:unmuted", (payload) => {
  if (!here(payload)) return;
  if (isMe(payload.userId)) {
    view.notice("You can write here again.");
    posting.muteUntil(null);
  } else {
    view.notice(`${nameOf(payload.userId, payload.username)} can write again.`);
  }
});

socket.on("room:slowmode", (payload) => {
  if (!here(payload)) return;
  view.notice(posting.setSlowMode(payload.seconds));
});

socket.on("room:moderator", (payload) => {
  if (!here(payload)) return;
  people.setRole(payload.userId, payload.isModerator ? "moderator" : "member");
  if (isMe(payload.userId)) {
    canModerate = payload.isModerator;
    view.notice(payload.isModerator
      ? "You are now a moderator here. Reload the page for the moderation tools."
      : "You are no longer a moderator here.");
  }
});

wireModeration(document.getElementById("people"), peopleError, (action, person, options) => {
  const userId = Number(person.dataset.userId);
  const payload = { roomId, userId };
  if (action === "mute") payload.seconds = options.seconds;
  if (action === "ban" && options.reason) payload.reason = options.reason;
  return request(socket, `room:${action}`, payload);
});
