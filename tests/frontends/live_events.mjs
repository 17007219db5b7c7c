// Replays the live event chat's real front end (a React client) against this server,
// unchanged: its SocketProvider (io(url, {transports: ['websocket']}) and the emit helpers),
// the LoginScreen (getActiveEvents with a callback), and ChatRoom (joinEvent on mount, the
// same listeners and state updates, sendMessage, typing on focus/blur, leaveEvent on log-out
// and again on unmount, then logging in again on the same socket: another name, another
// event). Messages are "mine" by `message.username === currentUsername`; timestamps are
// printed as they come.
//
// Env: LIVE_URL (the server), PAGE_ORIGIN (where the client is served), EVENT_TIME_ZONE (the
// server's zone for display times). Prints one "ok - ..." line per step.
import crypto from "node:crypto";

import { io } from "socket.io-client";

import { assert, originHeaders, step, until } from "./support.mjs";

const URL = process.env.LIVE_URL;
const PAGE_ORIGIN = process.env.PAGE_ORIGIN;
const ZONE = process.env.EVENT_TIME_ZONE || "UTC";
const run = crypto.randomBytes(3).toString("hex");

// --- contexts/SocketContext.js --------------------------------------------------------------

function socketProvider() {
  const socket = io(URL, { transports: ["websocket"], autoConnect: true,
    extraHeaders: originHeaders(PAGE_ORIGIN) });
  const ctx = { socket, isConnected: false };
  socket.on("connect", () => { ctx.isConnected = true; });
  socket.on("disconnect", () => { ctx.isConnected = false; });
  ctx.joinEvent = (username, eventId) => socket.emit("joinEvent", { username, eventId });
  ctx.leaveEvent = () => socket.emit("leaveEvent");
  ctx.sendMessage = (message) => socket.emit("sendMessage", message);
  ctx.setTyping = (isTyping) => socket.emit("typing", isTyping);
  ctx.getActiveEvents = (callback) => socket.emit("getActiveEvents", callback);
  return ctx;
}

// --- components/LoginScreen.js: the list of active events -----------------------------------

function fetchActiveEvents(ctx) {
  return new Promise((resolve) => ctx.getActiveEvents((events) => resolve(events)));
}

// --- components/ChatRoom.js -----------------------------------------------------------------

function mountChatRoom(ctx, { username, eventId }) {
  const room = { username, eventId, messages: [], participants: [], typingUsers: [] };
  const handlers = {
    userJoined: (data) => {
      room.participants = data.participants;
      room.messages = [...room.messages, { id: `system_${Date.now()}`,
        text: `${data.user} joined the event`, timestamp: data.timestamp, isSystem: true }];
    },
    userLeft: (data) => {
      room.participants = data.participants;
      room.typingUsers = room.typingUsers.filter((user) => user !== data.user);
      room.messages = [...room.messages, { id: `system_${Date.now()}`,
        text: `${data.user} left the event`, timestamp: data.timestamp, isSystem: true }];
    },
    newMessage: (message) => {
      room.messages = [...room.messages, message];
      if (room.typingUsers.includes(message.username)) {
        room.typingUsers = room.typingUsers.filter((user) => user !== message.username);
      }
    },
    eventHistory: (history) => {
      room.messages = history.messages;
      room.participants = history.participants;
    },
    userTyping: (data) => {
      if (data.isTyping) {
        room.typingUsers = room.typingUsers.includes(data.username) ? room.typingUsers
          : [...room.typingUsers, data.username];
      } else {
        room.typingUsers = room.typingUsers.filter((user) => user !== data.username);
      }
    },
  };
  ctx.joinEvent(username, eventId);
  for (const [event, handler] of Object.entries(handlers)) ctx.socket.on(event, handler);
  room.send = (text) => { if (text.trim()) ctx.sendMessage(text); };
  room.focus = () => ctx.setTyping(true);
  room.blur = () => ctx.setTyping(false);
  room.unmount = () => {
    for (const [event, handler] of Object.entries(handlers)) ctx.socket.off(event, handler);
    ctx.leaveEvent();
  };
  room.logout = () => { ctx.leaveEvent(); room.unmount(); }; // handleLogout, then unmount
  room.isSelf = (message) => message.username === room.username; // components/Message.js
  return room;
}

// moment().format('h:mm a') of the message's moment, in the server's zone.
function displayTime(iso) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: ZONE, hour: "numeric",
    minute: "2-digit", hour12: true }).formatToParts(new Date(iso));
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("hour")}:${part("minute")} ${part("dayPeriod").toLowerCase()}`;
}

// --- the scenario ---------------------------------------------------------------------------

const eventId = `launch-${run}`;
const dana = socketProvider();
const eli = socketProvider();
const lobby = socketProvider();
await until(() => dana.isConnected && eli.isConnected && lobby.isConnected, "three sockets");
const before = await fetchActiveEvents(lobby);
assert.ok(Array.isArray(before));
assert.ok(!before.some((e) => e.id === eventId));
step("getActiveEvents answers the callback with a list");

const danaRoom = mountChatRoom(dana, { username: `dana${run}`, eventId });
await until(() => danaRoom.participants.includes(`dana${run}`), "eventHistory for Dana");
const eliRoom = mountChatRoom(eli, { username: `eli${run}`, eventId });
await until(() => danaRoom.participants.length === 2 && eliRoom.participants.length === 2, "both in");
assert.deepEqual(eliRoom.participants, [`dana${run}`, `eli${run}`]);
const joined = danaRoom.messages.find((m) => m.isSystem && m.text === `eli${run} joined the event`);
assert.match(joined.timestamp, /^(1[0-2]|[1-9]):[0-5][0-9] (am|pm)$/);
step("joinEvent: userJoined and eventHistory, participants by name");

danaRoom.send(`hello everyone ${run}`);
await until(() => eliRoom.messages.some((m) => m.text === `hello everyone ${run}`), "Dana's message at Eli");
eliRoom.send(`hi dana ${run}`);
await until(() => danaRoom.messages.some((m) => m.text === `hi dana ${run}`), "Eli's message at Dana");
for (const room of [danaRoom, eliRoom]) {
  const mine = room.messages.find((m) => m.text === `hello everyone ${run}`);
  const theirs = room.messages.find((m) => m.text === `hi dana ${run}`);
  assert.equal(room.isSelf(mine), room === danaRoom);
  assert.equal(room.isSelf(theirs), room === eliRoom);
  for (const message of [mine, theirs]) {
    assert.equal(typeof message.id, "string");
    assert.equal(message.timestamp, displayTime(message.isoTimestamp), "h:mm a in the server's zone");
  }
}
step("sendMessage: newMessage to everyone, string ids, display timestamps h:mm a");

danaRoom.focus();
await until(() => eliRoom.typingUsers.includes(`dana${run}`), "typing at Eli");
assert.ok(!danaRoom.typingUsers.includes(`dana${run}`), "not to oneself");
danaRoom.blur();
await until(() => eliRoom.typingUsers.length === 0, "typing stopped at Eli");
step("typing on focus and blur");

const active = await fetchActiveEvents(lobby);
const mine = active.find((e) => e.id === eventId);
assert.equal(mine.participantCount, 2);
assert.equal(mine.messageCount, 2);
const details = await (await fetch(`${URL}/api/events/${eventId}`,
  { headers: originHeaders(PAGE_ORIGIN) })).json();
assert.deepEqual(details.participants, [`dana${run}`, `eli${run}`]);
assert.deepEqual(details.messages.map((m) => [m.id, m.text, m.timestamp]),
  eliRoom.messages.filter((m) => !m.isSystem).map((m) => [m.id, m.text, m.timestamp]));
step("getActiveEvents counts, GET /api/events/<id> with its messages");

// Dana logs out (leaveEvent, then the unmount's leaveEvent) and back in, on the same socket,
// under another name and into another event.
danaRoom.logout();
await until(() => eliRoom.participants.length === 1, "userLeft at Eli");
assert.deepEqual(eliRoom.participants, [`eli${run}`]);
assert.ok(eliRoom.messages.some((m) => m.isSystem && m.text === `dana${run} left the event`));
const otherId = `afterparty-${run}`;
const renamed = mountChatRoom(dana, { username: `dana2${run}`, eventId: otherId });
await until(() => renamed.participants.includes(`dana2${run}`), "eventHistory for the new name");
assert.deepEqual(renamed.participants, [`dana2${run}`]);
renamed.send(`new name here ${run}`);
await until(() => renamed.messages.some((m) => m.text === `new name here ${run}`), "the message under the new name");
assert.equal(renamed.messages.find((m) => m.text === `new name here ${run}`).username, `dana2${run}`);
assert.ok(renamed.isSelf(renamed.messages.find((m) => m.text === `new name here ${run}`)));
await new Promise((resolve) => setTimeout(resolve, 300));
assert.ok(!eliRoom.messages.some((m) => m.text === `new name here ${run}`), "nothing leaks to the old event");
const listed = await fetchActiveEvents(lobby);
assert.equal(listed.find((e) => e.id === eventId).participantCount, 1);
assert.equal(listed.find((e) => e.id === otherId).participantCount, 1);
step("leave, then log in again on the same socket: another name, another event");

eliRoom.unmount();
for (const ctx of [dana, eli, lobby]) ctx.socket.disconnect();
console.log(JSON.stringify({ eventId, otherId }));
process.exit(0);
