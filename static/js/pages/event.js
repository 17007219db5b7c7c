// A live event: its status line (a countdown before it starts), the participants, the chat
// (live-event protocol: joinEvent, sendMessage, newMessage…), host controls shown per status,
// and moderation by username.
import { ChatView } from "../chat-view.js";
import { authorOf, featuresOf } from "../messages.js";
import { Composer } from "../composer.js";
import { EventClock } from "../event-clock.js";
import { describeError } from "../errors.js";
import { wireModeration } from "../moderation.js";
import { participantList } from "../event-participants.js";
import { readPageData } from "../page-data.js";
import { wireSideToggle } from "../side-toggle.js";
import { wireSidebar } from "../sidebar.js";
import { connectSocket, request } from "../socket.js";
import { Posting } from "../posting.js";
import { readMarker } from "../reads.js";
import { markMentions, wireMentionAutocomplete } from "../mentions.js";
import { notifyMention, offerNotifications } from "../notify.js";
import { shortTime } from "../time.js";
import { getJSON } from "../api.js";
import { PollBoard } from "../stage-polls.js";
import { QuestionBoard } from "../stage-qa.js";
import {
  HeldMessages, showViewers, wireAnnouncement, wireModeratedToggle, wireReactions,
} from "../stage-live.js";
import { TypingIndicator, TypingSender } from "../typing.js";

const data = readPageData();
const me = data.me;
const eventId = data.eventId;
const canModerate = Boolean(data.canModerate);
let chatBeforeStart = data.chatBeforeStart ?? null;
let posting = null; // made once the composer exists (the status clock may ask it earlier)

const participantsEl = document.getElementById("participants");
const showParticipants = participantList(participantsEl, { me, canModerate });
let present = new Set(); // the names shown, to which batched changes apply
function setParticipants(names) {
  present = new Set(names);
  showParticipants(present);
}
const peopleError = document.getElementById("people-error");
const typing = new TypingIndicator(document.getElementById("typing"));
wireSideToggle();

const isMe = (payload) => me != null
  && (payload.userId != null ? payload.userId === me.userId : payload.username === me.username);

const view = new ChatView({
  apiUrl: `/api/events/${encodeURIComponent(eventId)}/messages`,
  nextBefore: data.nextBefore,
  normalize: (p) => {
    const known = (me && p.userId === me.userId ? me : null)
      || (p.userId != null && view?.list.authorInfo(p.userId)) || {};
    return { id: p.id, userId: p.userId, username: p.username, ...authorOf(p, known),
      // The old protocol's timestamp is a display string ("3:07 pm"); the exact one is ours.
      content: p.text, timestamp: p.isoTimestamp || p.timestamp, ...featuresOf(p) };
  },
  meId: me?.userId ?? null,
  lastReadId: data.lastReadId ?? null,
  onArrive: (m, li) => {
    if (!me || m.userId === me.userId) return;
    markMentions(li?.querySelector(".text"), me.username);
    if (!(m.mentions || []).includes(me.userId)) return;
    notifyMention(m, document.querySelector("h1")?.textContent.trim() || "an event");
    offerNotifications(document.getElementById("composer-form"));
  },
  isMine: (m) => me != null && (m.userId === me.userId || m.username === me.username),
  canDelete: (m) => canModerate || (me != null && m.userId === me.userId),
  onDelete: async (messageId) => {
    const ack = await request(socket, "deleteMessage", { eventId, messageId });
    if (!ack.ok) composer.showError(describeError(ack.error));
    return ack.ok;
  },
});

// --- status -------------------------------------------------------------------------------

const clock = new EventClock({ status: data.status, startsAt: data.startsAt, endsAt: data.endsAt,
  onChange: () => refreshComposer() });

// An event summary (eventHistory, events:update): times, status and whether chat is open.
function applySummary(summary) {
  if (!summary || summary.id !== eventId) return;
  if (summary.chatBeforeStart != null) chatBeforeStart = Boolean(summary.chatBeforeStart);
  clock.setTimes(summary.startsAt, summary.endsAt);
  clock.setStatus(summary.status);
  refreshComposer();
}

// --- composer -------------------------------------------------------------------------------

let socket = null;
const sender = new TypingSender((isTyping) => {
  if (posting.joined && socket?.connected) socket.emit("typing", isTyping);
});
const composer = new Composer({
  send: async (text) => {
    const ack = await request(socket, "sendMessage", text);
    // A held message (moderated chat) waits in "your messages waiting for approval".
    if (ack.ok && !ack.message.held) view.add([ack.message], { live: true });
    return ack;
  },
  onTyping: (hasText) => sender.input(hasText),
  errorContext: () => ({ slowMode: posting.slowMode }),
});

function refreshComposer() {
  posting?.refresh();
}

posting = new Posting({
  composer, me, place: "event", isConnected: () => Boolean(socket?.connected),
  closed: () => ({
    ended: "This event has ended; its chat is closed.",
    cancelled: "This event was cancelled; its chat is closed.",
  })[clock.status] || null,
  notOpenYet: () => (clock.status === "scheduled" && chatBeforeStart === false
    ? "The chat opens when the event starts." : null),
});

// --- joining --------------------------------------------------------------------------------

const reads = readMarker(() => socket, { eventId }, () => posting.joined && Boolean(socket?.connected));

async function join({ reconnected }) {
  if (!me || posting.removed) return;
  const before = view.lastId;
  // Arrivals and departures batched (participantsChanged, about once a second), not one
  // frame with the whole list per person: what lets a large audience join at once.
  const joining = { eventId, participantUpdates: "batched" };
  if (!(await posting.join(() => request(socket, "joinEvent", joining)))) return;
  if (reconnected) await view.catchUpFrom(before);
  reads.seen();
}

socket = connectSocket({
  onConnect: (_, { reconnected }) => join({ reconnected }),
  onDisconnect: () => { typing.clearAll(); posting.disconnected(); },
});
refreshComposer();
wireSidebar(socket, { current: `event:${eventId}`, me });
if (me) {
  view.list.el.querySelectorAll("li.message .text").forEach((el) => markMentions(el, me.username));
  // The participants (usernames) and the authors the chat shows.
  wireMentionAutocomplete(document.getElementById("composer"), () => {
    const names = new Set([...participantsEl.querySelectorAll("li[data-username]")]
      .map((li) => li.dataset.username));
    view.list.el.querySelectorAll("li.message[data-username]").forEach((li) => names.add(li.dataset.username));
    names.delete(me.username);
    return [...names].sort().map((username) => ({ username, displayName: null }));
  });
}

// --- the stage: Q&A, polls, the announcement, reactions, held messages, viewers -----------

const stageOptions = { socket, request, eventId, canModerate, signedIn: me != null, me };
const questions = new QuestionBoard(stageOptions);
const polls = new PollBoard(stageOptions);
const held = new HeldMessages(stageOptions);
const showAnnouncement = wireAnnouncement(stageOptions);
wireReactions(stageOptions);
const showModerated = wireModeratedToggle(stageOptions);

async function loadStage() {
  if (me) {
    questions.load();
    held.load();
    showAnnouncement(await polls.load());
    return;
  }
  // A visitor who is not signed in reads the stage once (they have not joined the event).
  const base = `/api/events/${encodeURIComponent(eventId)}`;
  try {
    const [qs, ps] = await Promise.all([getJSON(`${base}/questions`), getJSON(`${base}/polls`)]);
    qs.questions.forEach((q) => questions.upsert(q));
    ps.forEach((p) => polls.upsert(p));
  } catch { /* the page still shows the chat */ }
}
if (!me) loadStage();

socket.on("eventHistory", (payload) => {
  view.addHistory(payload.messages || []);
  if (payload.participants) setParticipants(payload.participants);
  applySummary(payload.event);
  showViewers(payload.event, eventId);
  loadStage();
});

socket.on("events:update", (summary) => {
  applySummary(summary);
  showViewers(summary, eventId);
  showModerated(summary);
});

socket.on("newMessage", (payload) => {
  typing.clear(payload.username);
  view.add([payload], { live: true });
  reads.seen();
});

socket.on("messageDeleted", (payload) => {
  if (payload.eventId == null || payload.eventId === eventId) view.remove(payload.id);
});

// Still heard when another tab of mine joins (the whole list), or from a server that does not
// batch.
socket.on("userJoined", (payload) => setParticipants(payload.participants));
socket.on("userLeft", (payload) => {
  typing.clear(payload.user);
  setParticipants(payload.participants);
});
socket.on("participantsChanged", (payload) => {
  if (payload.eventId !== eventId) return;
  payload.left.forEach((name) => { present.delete(name); typing.clear(name); });
  payload.joined.forEach((name) => present.add(name));
  showParticipants(present);
});

socket.on("userTyping", (payload) => {
  if (me && payload.username === me.username) return;
  typing.set(payload.username, payload.username, payload.isTyping);
});

socket.on("eventStatus", (payload) => {
  if (payload.id === eventId) clock.setStatus(payload.status);
});

// --- moderation -------------------------------------------------------------------------------

const here = (payload) => payload.eventId === eventId;
const by = (payload) => (payload.by ? ` by ${payload.by.username}` : "");

socket.on("userKicked", (payload) => {
  if (!here(payload)) return;
  if (isMe(payload)) {
    view.notice(`You were removed from this event${by(payload)}.`);
    posting.removedAs("kicked");
  } else {
    view.notice(`${payload.username} was removed${by(payload)}.`);
  }
});

socket.on("userBanned", (payload) => {
  if (!here(payload)) return;
  const reason = payload.reason ? ` (${payload.reason})` : "";
  if (isMe(payload)) {
    view.notice(`You were banned from this event${by(payload)}${reason}.`);
    posting.removedAs("banned");
  } else {
    view.notice(`${payload.username} was banned${by(payload)}${reason}.`);
  }
});

socket.on("userUnbanned", (payload) => {
  if (here(payload) && isMe(payload)) view.notice("Your ban here was lifted. Reload the page to join again.");
});

socket.on("userMuted", (payload) => {
  if (!here(payload)) return;
  const until = shortTime(new Date(payload.until));
  if (isMe(payload)) {
    view.notice(`You were muted until ${until}${by(payload)}.`);
    posting.muteUntil(payload.until);
  } else {
    view.notice(`${payload.username} was muted until ${until}${by(payload)}.`);
  }
});

socket.on("userUnmuted", (payload) => {
  if (!here(payload)) return;
  if (isMe(payload)) {
    view.notice("You can write here again.");
    posting.muteUntil(null);
  } else {
    view.notice(`${payload.username} can write again.`);
  }
});

socket.on("slowMode", (payload) => {
  if (!here(payload)) return;
  view.notice(posting.setSlowMode(payload.seconds));
});

wireModeration(participantsEl, peopleError, (action, person, options) => {
  const payload = { eventId, username: person.dataset.username };
  if (action === "mute") payload.seconds = options.seconds;
  if (action === "ban" && options.reason) payload.reason = options.reason;
  const name = { mute: "muteUser", unmute: "unmuteUser", kick: "kickUser", ban: "banUser" }[action];
  return request(socket, name, payload);
});
