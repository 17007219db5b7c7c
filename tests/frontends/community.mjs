// Replays the community chat's real front end (a Next.js campus app) against this server,
// unchanged: its sign-up and sign-in pages (fetch to /api/auth/register and /api/auth/login,
// the answer kept as localStorage's token/user), its useSocket hook (the same emits, the same
// listeners, the same state updates) and its pages' logic (user:login on connect with
// user._id, own messages by `user._id === msg.userId`, private messages keyed by `from`/`to`,
// `isFromUser = msg.to === activeContact`).
//
// Env: COMMUNITY_URL (the server, as NEXT_PUBLIC_SOCKET_URL), PAGE_ORIGIN (where the app is
// served), JWT_SECRET (shared with the host app: Bob's token is minted as the old backend's
// jsonwebtoken did). Prints one "ok - ..." line per step; exits non-zero on the first failure.
import crypto from "node:crypto";

import jwt from "jsonwebtoken";
import { io } from "socket.io-client";

import { assert, originHeaders, recorder, step, until } from "./support.mjs";

const SOCKET_SERVER_URL = process.env.COMMUNITY_URL;
const PAGE_ORIGIN = process.env.PAGE_ORIGIN;
const JWT_SECRET = process.env.JWT_SECRET;
const run = crypto.randomBytes(3).toString("hex");

// --- app/signup/page.tsx and app/login/page.tsx -------------------------------------------

async function authRequest(path, body) {
  const response = await fetch(`${SOCKET_SERVER_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...originHeaders(PAGE_ORIGIN) },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (PAGE_ORIGIN) {  // the browser would drop an answer without it
    assert.equal(response.headers.get("access-control-allow-origin"), PAGE_ORIGIN);
  }
  if (!response.ok) throw new Error(data.error || "Request failed");
  // localStorage.setItem('token', data.token); localStorage.setItem('user', ...)
  return { token: data.token, user: JSON.stringify(data.data), isLoggedIn: "true" };
}

const signUp = (name, email, password) => authRequest("/api/auth/register", { name, email, password });
const signIn = (email, password) => authRequest("/api/auth/login", { email, password });

// --- hooks/useSocket.ts ---------------------------------------------------------------------

class UseSocket {
  constructor() {
    this.isConnected = false;
    this.rooms = [];
    this.activeRoom = null;
    this.roomMessages = {};
    this.privateMessages = {};
    this.typingUsers = {};
    this.privateTypingUsers = {};
    const socket = io(SOCKET_SERVER_URL, { extraHeaders: originHeaders(PAGE_ORIGIN) });
    this.socket = socket;
    this.seen = recorder(socket);
    socket.on("connect", () => { this.isConnected = true; });
    socket.on("disconnect", () => { this.isConnected = false; });
    socket.on("rooms:list", (roomsList) => { this.rooms = roomsList; });
    socket.on("rooms:new", (room) => { this.rooms = [...this.rooms, room]; });
    socket.on("rooms:update", ({ id, usersCount }) => {
      this.rooms = this.rooms.map((room) => (room.id === id ? { ...room, usersCount } : room));
    });
    socket.on("room:history", ({ roomId, messages }) => {
      this.roomMessages = { ...this.roomMessages, [roomId]: messages };
    });
    socket.on("room:message:new", ({ roomId, message }) => {
      this.roomMessages = { ...this.roomMessages,
        [roomId]: [...(this.roomMessages[roomId] || []), message] };
    });
    socket.on("message:private", (message) => {
      const { from } = message;
      this.privateMessages = { ...this.privateMessages,
        [from]: [...(this.privateMessages[from] || []), message] };
    });
    socket.on("message:private:sent", (message) => {
      const { to } = message;
      this.privateMessages = { ...this.privateMessages,
        [to]: [...(this.privateMessages[to] || []), message] };
    });
    socket.on("user:typing", ({ roomId, userId, username, isTyping }) => {
      const currentTyping = this.typingUsers[roomId] || [];
      if (isTyping) {
        if (!currentTyping.some((user) => user.userId === userId)) {
          this.typingUsers = { ...this.typingUsers, [roomId]: [...currentTyping, { userId, username }] };
        }
      } else {
        this.typingUsers = { ...this.typingUsers,
          [roomId]: currentTyping.filter((user) => user.userId !== userId) };
      }
    });
    socket.on("user:typing:private", ({ from, isTyping }) => {
      this.privateTypingUsers = { ...this.privateTypingUsers, [from]: isTyping };
    });
  }

  login(userId, username, avatar, token) { this.socket.emit("user:login", { userId, username, avatar, token }); }
  joinRoom(roomId) { this.socket.emit("room:join", { roomId }); this.activeRoom = roomId; }
  leaveRoom(roomId) {
    this.socket.emit("room:leave", { roomId });
    if (this.activeRoom === roomId) this.activeRoom = null;
  }
  sendRoomMessage(roomId, message) { if (message.trim()) this.socket.emit("room:message", { roomId, message }); }
  sendPrivateMessage(to, message) { if (message.trim()) this.socket.emit("message:private", { to, message }); }
  createRoom(name, description, category) { this.socket.emit("room:create", { name, description, category }); }
  sendTypingStatus(roomId, isTyping) { this.socket.emit("user:typing", { roomId, isTyping }); }
  sendPrivateTypingStatus(to, isTyping) { this.socket.emit("user:typing:private", { to, isTyping }); }
  setUserStatus(status) { this.socket.emit("user:status", { status }); }
}

// --- the pages (chat-with-socket.tsx, chatrooms-with-socket.tsx) ----------------------------

// What every page does once the socket is connected: user:login with the stored user.
async function openPage(storage) {
  const hook = new UseSocket();
  await until(() => hook.isConnected, "the socket to connect");
  const parsedUser = JSON.parse(storage.user);
  hook.login(parsedUser._id, parsedUser.name, parsedUser.avatar || parsedUser.name.charAt(0),
    storage.token || undefined);
  return { hook, user: parsedUser, storage };
}

const isCurrentUser = (page, msg) => page.user?._id === msg.userId; // chatrooms page
const isFromUser = (msg, activeContact) => msg.to === activeContact; // chat page

// --- the scenario ---------------------------------------------------------------------------

const password = "correct horse battery staple";
const aliceStore = await signUp("Alice Walker", `alice.${run}@campus.example`, password);
const alice0 = JSON.parse(aliceStore.user);
assert.match(alice0._id, /^[0-9a-f]{24}$/);
assert.equal(alice0.avatar, "AW");
await assert.rejects(signUp("Alice Again", `alice.${run}@campus.example`, password),
  /User already exists/);
await assert.rejects(signIn(`alice.${run}@campus.example`, "not her password"), /Invalid credentials/);
const aliceSignedIn = await signIn(`ALICE.${run}@campus.example`, password);
assert.equal(JSON.parse(aliceSignedIn.user)._id, alice0._id);
step("sign-up and sign-in over the REST auth routes");

// Bob is a user of the host app the server has never seen: the app signed his token.
const bobId = crypto.randomBytes(12).toString("hex");
const bobStore = {
  token: jwt.sign({ id: bobId }, JWT_SECRET, { expiresIn: "30d" }),
  user: JSON.stringify({ _id: bobId, name: "Bob Stone", email: `bob.${run}@campus.example` }),
  isLoggedIn: "true",
};

const alice = await openPage(aliceSignedIn);
const bob = await openPage(bobStore);
for (const page of [alice, bob]) {
  await until(() => page.hook.rooms.length >= 5, "rooms:list");
  assert.deepEqual(page.hook.rooms.slice(0, 5).map((r) => [r.id, r.name, r.category]), [
    [1, "CS Study Group", "academic"], [2, "Math Help", "academic"], [3, "Campus Events", "campus"],
    [4, "Gaming Club", "interests"], [5, "Photography", "interests"]]);
  assert.equal(page.hook.seen.all("auth:error").length, 0);
}
step("user:login with the app's tokens (ours and the host app's) answers rooms:list");

// --- rooms: join, history, messages, typing ---
alice.hook.joinRoom(1);
bob.hook.joinRoom(1);
await until(() => alice.hook.roomMessages[1] && bob.hook.roomMessages[1], "room:history");
alice.hook.sendRoomMessage(1, `hello from alice ${run}`);
await until(() => bob.hook.roomMessages[1].some((m) => m.content === `hello from alice ${run}`), "Alice's message at Bob");
bob.hook.sendRoomMessage(1, `hi alice ${run}`);
await until(() => alice.hook.roomMessages[1].some((m) => m.content === `hi alice ${run}`), "Bob's message at Alice");
for (const page of [alice, bob]) {
  const fromAlice = page.hook.roomMessages[1].find((m) => m.content === `hello from alice ${run}`);
  const fromBob = page.hook.roomMessages[1].find((m) => m.content === `hi alice ${run}`);
  assert.equal(fromAlice.userId, alice.user._id);
  assert.equal(fromBob.userId, bob.user._id);
  assert.equal(fromAlice.sender, "Alice Walker");
  assert.equal(fromBob.sender, "Bob Stone");
  assert.equal(isCurrentUser(page, fromAlice), page === alice, "own messages recognised by ===");
  assert.equal(isCurrentUser(page, fromBob), page === bob, "others' messages are not own");
}
step("rooms: join, history, messages; own messages recognised by user._id === msg.userId");

alice.hook.sendTypingStatus(1, true);
await until(() => (bob.hook.typingUsers[1] || []).some((u) => u.userId === alice.user._id), "typing at Bob");
assert.deepEqual(bob.hook.typingUsers[1], [{ userId: alice.user._id, username: "Alice Walker" }]);
alice.hook.sendTypingStatus(1, false);
await until(() => (bob.hook.typingUsers[1] || []).length === 0, "typing stopped at Bob");
step("room typing");

// --- private messages both ways, by the app's ids ---
let activeContact = bob.user._id; // Alice's chat page
alice.hook.sendPrivateTypingStatus(activeContact, true);
await until(() => bob.hook.privateTypingUsers[alice.user._id] === true, "private typing at Bob");
alice.hook.sendPrivateMessage(activeContact, `psst ${run}`);
await until(() => (bob.hook.privateMessages[alice.user._id] || []).length === 1, "private message at Bob");
await until(() => (alice.hook.privateMessages[bob.user._id] || []).length === 1, "message:private:sent at Alice");
const received = bob.hook.privateMessages[alice.user._id][0];
assert.equal(received.from, alice.user._id);
assert.equal(received.content, `psst ${run}`);
assert.equal(received.sender, "Alice Walker");
const sent = alice.hook.privateMessages[bob.user._id][0];
assert.equal(sent.to, bob.user._id);
assert.equal(isFromUser(sent, activeContact), true, "Alice's own bubble on her side");
alice.hook.sendPrivateTypingStatus(activeContact, false);
await until(() => bob.hook.privateTypingUsers[alice.user._id] === false, "private typing stopped at Bob");

activeContact = alice.user._id; // Bob's chat page
bob.hook.sendPrivateTypingStatus(activeContact, true);
await until(() => alice.hook.privateTypingUsers[bob.user._id] === true, "private typing at Alice");
bob.hook.sendPrivateMessage(activeContact, `back at you ${run}`);
await until(() => (alice.hook.privateMessages[bob.user._id] || []).length === 2, "Bob's reply at Alice");
const reply = alice.hook.privateMessages[bob.user._id][1];
assert.equal(reply.from, bob.user._id);
assert.equal(isFromUser(reply, bob.user._id), false, "Bob's reply on the other side at Alice");
assert.equal(isFromUser(bob.hook.privateMessages[alice.user._id][1], activeContact), true);
step("private messages and private typing both ways, addressed by the app's ids");

// --- status ---
alice.hook.setUserStatus("away");
await until(() => bob.hook.seen.find("user:status:update", (d) => d.userId === alice.user._id && d.status === "away"),
  "user:status:update at Bob");
step("status");

// --- room creation (a name in use too) ---
const roomName = `Study Night ${run}`;
alice.hook.createRoom(roomName, "Exam prep", "academic");
await until(() => bob.hook.rooms.filter((r) => r.name === roomName).length === 1, "rooms:new at Bob");
alice.hook.createRoom(roomName, "Same name, another room", "academic");
await until(() => bob.hook.rooms.filter((r) => r.name === roomName).length === 2, "a second room by that name");
const created = bob.hook.rooms.filter((r) => r.name === roomName);
assert.notEqual(created[0].id, created[1].id);
assert.deepEqual(created.map((r) => [r.category, r.usersCount]), [["academic", 1], ["academic", 1]]);
assert.ok(alice.hook.seen.find("room:joined", (d) => d.roomId === created[0].id));
step("room creation, duplicate names allowed");

// --- history for a newcomer; leaving ---
const carolStore = await signUp("Carol Diaz", `carol.${run}@campus.example`, password);
const carol = await openPage(carolStore);
carol.hook.joinRoom(1);
await until(() => carol.hook.roomMessages[1], "room:history at Carol");
const history = carol.hook.roomMessages[1];
const old = history.find((m) => m.content === `hello from alice ${run}`);
assert.equal(old.userId, alice.user._id);
assert.equal(isCurrentUser(carol, old), false);
bob.hook.leaveRoom(1);
assert.equal(bob.hook.activeRoom, null);
await until(() => carol.hook.seen.find("room:user:left", (d) => d.userId === bob.user._id), "room:user:left");
step("room history for a newcomer, room:leave");

// --- the REST routes the app calls with its token ---
const me = await (await fetch(`${SOCKET_SERVER_URL}/api/auth/me`, {
  headers: { Authorization: `Bearer ${aliceSignedIn.token}` } })).json();
assert.equal(me.success, true);
assert.equal(me.data._id, alice.user._id);
assert.equal(me.data.status, "away");
const users = await (await fetch(`${SOCKET_SERVER_URL}/api/users`, {
  headers: { Authorization: `Bearer ${bobStore.token}` } })).json();
assert.equal(users.count, users.data.length);
assert.ok(users.data.some((u) => u._id === alice.user._id && u.name === "Alice Walker" && u.status === "away"));
assert.ok(!users.data.some((u) => u._id === bob.user._id), "everyone but the caller");
step("GET /api/auth/me and /api/users");

for (const page of [alice, bob, carol]) page.hook.socket.disconnect();
console.log(JSON.stringify({ alice: alice.user._id, bob: bob.user._id, rooms: created.map((r) => r.id) }));
process.exit(0);
